import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';
import { explainTlsFailure } from '../tls-failure.js';
import type { TlsFailedError } from '../../errors/tls-failed.error.js';

// kafkajs's own keep-alive delay.
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's socket factory, unchanged, plus a report of TLS failures no retry can mend (a broker
 * certificate the client does not trust, a client certificate the broker requires): kafkajs takes
 * every connection error for retriable, so without this `connect()` would fail only once its retries
 * ran out, about 10 s with the default retry settings.
 */
export function tlsReportingSocketFactory(report: (error: TlsFailedError) => void): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    const socket = ssl ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    if (ssl) {
      socket.on('error', (error: Error & { code?: string }) => {
        const failure = explainTlsFailure({ message: error.message, code: error.code, broker: `${host}:${port}` }, { ssl });
        if (failure) report(failure);
      });
    }
    return socket;
  };
}
