// The metrics and log settings: off and loopback by default, invalid values named with what was expected.
import { loadConfig } from '../../../src/config';

describe('metrics and log settings', () => {
  it('default to no metrics server, loopback, INFO', () => {
    expect(loadConfig({})).toMatchObject({
      metrics: { port: 0, host: '127.0.0.1' },
      logging: { level: 'INFO' },
    });
  });

  it('reject a port that is not a number or leaves no room for the SDK exporter above it', () => {
    expect(() => loadConfig({ SNAPSEAL_METRICS_PORT: 'http' })).toThrow(
      'SNAPSEAL_METRICS_PORT="http": expected a port such as 9464, or 0 for off',
    );
    expect(() => loadConfig({ SNAPSEAL_METRICS_PORT: '65535' })).toThrow('the next port is used too');
    expect(() => loadConfig({ SNAPSEAL_LOG_LEVEL: 'verbose' })).toThrow('SNAPSEAL_LOG_LEVEL="verbose"');
  });
});
