import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrokerUnavailableError } from '../errors/broker-unavailable.error.js';

/** PEM texts of a throw-away certificate authority and what it signed, for TLS on a test broker. */
export interface TestCertificates {
  /** The authority clients must trust (`ssl.ca`). */
  ca: string;
  /** A client certificate and its unencrypted key, for mutual TLS (`ssl.cert`, `ssl.key`). */
  clientCert: string;
  clientKey: string;
  /** Files the broker reads: its key and certificate chain, and the authority it trusts. */
  brokerKeystoreFile: string;
  truststoreFile: string;
}

const DAYS = '2';

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : result.stderr.trim();
    throw new BrokerUnavailableError(`openssl ${args[0]} failed while making the test certificates (${why}). TLS test brokers need the openssl command (Debian: apt-get install openssl)`);
  }
}

/** A new key `<name>.key` and its certificate `<name>.crt`, signed by the authority in `dir`, with the extensions in `<name>.ext`. */
function signed(dir: string, name: string, subject: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', DAYS, '-extfile', `${name}.ext`], dir);
}

/**
 * Makes, in `dir`, an authority and two certificates it signs: the broker's (valid for 127.0.0.1
 * and localhost, where test brokers listen) and a client's. Keys are unencrypted PKCS#8, which both
 * Kafka's PEM key stores and Node's TLS read.
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', DAYS, '-subj', '/CN=nestjs-kafka-transport test CA'], dir);
  await writeFile(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  signed(dir, 'broker', '/CN=127.0.0.1');
  signed(dir, 'client', '/CN=test-client');
  const text = (file: string) => readFile(join(dir, file), 'utf8');
  const [ca, brokerKey, brokerCert, clientCert, clientKey] = await Promise.all(['ca.pem', 'broker.key', 'broker.crt', 'client.crt', 'client.key'].map(text));
  const brokerKeystoreFile = join(dir, 'broker-keystore.pem');
  await writeFile(brokerKeystoreFile, `${brokerKey.trim()}\n${brokerCert.trim()}\n${ca.trim()}\n`);
  return { ca, clientCert, clientKey, brokerKeystoreFile, truststoreFile: join(dir, 'ca.pem') };
}
