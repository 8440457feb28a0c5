import { TlsFailedError } from '../errors/tls-failed.error.js';

/** The fields drivers' errors (and Node's socket errors) carry that say what failed. */
export interface DriverError {
  name?: string;
  message?: string;
  type?: string;
  code?: string;
  broker?: string;
  cause?: unknown;
}

// Node's codes for a certificate the client cannot verify.
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS failure a connection error stands for, if it is one no retry can mend. */
export function explainTlsFailure(link: DriverError, client: { ssl?: unknown }): TlsFailedError | undefined {
  const code = link.code ?? '';
  const text = `${code} ${link.message ?? ''}`;
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return new TlsFailedError(link.broker, code, "the broker's certificate is not trusted: pass the authority that signed it as client.ssl.ca (PEM text), or give the broker a certificate for the address you connect to", link);
  }
  if (/certificate required|CERTIFICATE_REQUIRED|bad certificate|unknown ca|BAD_CERTIFICATE|UNKNOWN_CA/i.test(text)) {
    return new TlsFailedError(link.broker, code || 'client certificate refused', 'the broker requires a client certificate it trusts: pass client.ssl.cert and client.ssl.key, signed by an authority in its truststore', link);
  }
  if (client.ssl && /wrong version number|WRONG_VERSION_NUMBER|packet length too long/i.test(text)) {
    return new TlsFailedError(link.broker, code || 'not TLS', 'this listener does not speak TLS: remove client.ssl, or connect to the TLS listener', link);
  }
  return undefined;
}

