import os from 'node:os';
import { loadConfig } from '../../src/config';

describe('LABGATE_URL when unset', () => {
  it.each([
    [{}, 'http://localhost:3000'],
    [{ PORT: '8080' }, 'http://localhost:8080'],
    [{ HOST: '127.0.0.1', PORT: '4000' }, 'http://localhost:4000'],
    [{ HOST: '::1', PORT: '4000' }, 'http://localhost:4000'],
    [{ HOST: '10.1.2.3', PORT: '4000' }, 'http://10.1.2.3:4000'],
    [{ HOST: 'fd00::5' }, 'http://[fd00::5]:3000'],
    [{ HOST: '0.0.0.0', PORT: '80' }, `http://${os.hostname()}`],
  ])('follows HOST and PORT: %j gives %s', (env, url) => {
    expect(loadConfig(env).externalUrl).toBe(url);
  });

  it('is what LABGATE_URL says when set, whatever HOST and PORT say', () => {
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0', LABGATE_URL: 'https://git.example.com/' }).externalUrl).toBe('https://git.example.com');
  });

  it('waits for the port the system gives when PORT is 0 (app.listen fills it in)', () => {
    expect(loadConfig({ PORT: '0' }).externalUrl).toBe('http://localhost:0');
  });
});
