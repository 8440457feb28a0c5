/** The states `status` reports, with the same strings as Nest's KafkaStatus. */
export enum KafkaStatus {
  CONNECTED = 'connected',
  DISCONNECTED = 'disconnected',
  REBALANCING = 'rebalancing',
  STOPPED = 'stopped',
  CRASHED = 'crashed',
}
