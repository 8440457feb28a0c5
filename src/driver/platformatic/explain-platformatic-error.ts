import { AuthenticationFailedError } from '../../errors/authentication-failed.error.js';
import { TlsFailedError } from '../../errors/tls-failed.error.js';
import { authorizationFailure } from '../authorization-failure.js';
import type { FailureContext } from '../kafka-driver.interface.js';
import { explainTlsFailure, type DriverError } from '../tls-failure.js';

type PlatformaticError = DriverError & { apiId?: string; errors?: unknown[] };

/** The error, the errors it aggregates and the causes of each: platformatic nests both ways. */
function links(error: unknown, found: PlatformaticError[] = []): PlatformaticError[] {
  const link = error as PlatformaticError | undefined;
  if (!link || typeof link !== 'object' || found.length >= 30 || found.includes(link)) return found;
  found.push(link);
  for (const inner of link.errors ?? []) links(inner, found);
  if (link.cause) links(link.cause, found);
  return found;
}

/**
 * Turns a platformatic failure the user can fix by configuration (credentials, certificates, ACLs)
 * into the same typed errors the kafkajs driver gives; any other error comes back as it was.
 */
export function explainPlatformaticError(error: unknown, context: FailureContext, client: { sasl?: unknown; ssl?: unknown }): unknown {
  const all = links(error);
  for (const link of all) {
    if (link.code === 'PLT_KFK_AUTHENTICATION' || link.apiId === 'SASL_AUTHENTICATION_FAILED') {
      const sasl = client.sasl as { mechanism?: string; username?: string } | undefined;
      return new AuthenticationFailedError((sasl?.mechanism ?? 'unknown').toUpperCase(), sasl?.username, link);
    }
    if (link.apiId?.endsWith('_AUTHORIZATION_FAILED')) return authorizationFailure(link.apiId, context, client, link);
  }
  if (context.startUp) {
    const refusedAfterHandshake = refusedClientCertificate(all, client);
    if (refusedAfterHandshake) return refusedAfterHandshake;
  }
  for (const link of all) {
    // platformatic says "TLS handshake failed" where kafkajs's socket reports the wrong protocol version.
    const tls = explainTlsFailure(/TLS handshake failed/i.test(link.message ?? '') ? { ...link, message: `wrong version number: ${link.message}` } : link, client);
    if (tls) return tls;
  }
  return error;
}

/**
 * A broker that requires a client certificate ends the TLS session right after the handshake, and
 * platformatic reports no more than "Connection closed". At start-up, with TLS on and no client
 * certificate configured, connections that all closed that way are named for what they most likely are.
 */
function refusedClientCertificate(all: PlatformaticError[], client: { ssl?: unknown }): TlsFailedError | undefined {
  const ssl = client.ssl as { cert?: unknown; key?: unknown } | boolean | undefined;
  if (!ssl || (typeof ssl === 'object' && ssl.cert && ssl.key)) return undefined;
  const network = all.filter((link) => link.code === 'PLT_KFK_NETWORK');
  if (network.length === 0 || !network.every((link) => link.message === 'Connection closed')) return undefined;
  return new TlsFailedError(
    undefined,
    'connection closed after the TLS handshake',
    'the broker ends every TLS session this client opens, which it does when it requires a client certificate: pass client.ssl.cert and client.ssl.key, signed by an authority in its truststore',
    all[0],
  );
}
