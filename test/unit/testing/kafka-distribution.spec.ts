import { kafkaRuntimePom } from '../../../src/testing/kafka-distribution.js';

describe('kafkaRuntimePom', () => {
  const pom = kafkaRuntimePom('4.4.0');

  it('asks for the broker and the perf tools of the requested release', () => {
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.4.0</version>');
    expect(pom).toContain('<artifactId>kafka-tools</artifactId><version>4.4.0</version>');
  });

  it('pins slf4j 2 with a log4j2 binding, so the broker logs instead of falling back to a no-op logger', () => {
    expect(pom).toMatch(/<artifactId>slf4j-api<\/artifactId><version>2\./);
    expect(pom).toContain('<artifactId>log4j-slf4j2-impl</artifactId>');
  });
});
