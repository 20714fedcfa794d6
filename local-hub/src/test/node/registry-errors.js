'use strict';
// The hub's service errors as the Node service SDK (azure-iothub) reports them: each call that must fail prints the
// class of the error the SDK raised, and the script exits 1 if one is not the class the SDK raises for IoT Hub's
// own error. Run against a running hub:
//   NODE_EXTRA_CA_CERTS=<data-dir>/ca.pem IOTHUB_CONNECTION_STRING='HostName=...;SharedAccessKeyName=iothubowner;...' \
//     node registry-errors.js
const { Registry, Client } = require('azure-iothub');

const connectionString = process.env.IOTHUB_CONNECTION_STRING;
if (!connectionString) {
  console.error('Set IOTHUB_CONNECTION_STRING to a connection string of policy iothubowner.');
  process.exit(2);
}
const registry = Registry.fromConnectionString(connectionString);
const client = Client.fromConnectionString(connectionString);
const present = 'node-errors-' + process.pid;

async function failureOf(call) {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return null;
}

async function main() {
  await registry.create({ deviceId: present });
  const stale = (await registry.getTwin(present)).responseBody.etag;
  await registry.updateTwin(present, { tags: { changed: true } }, '*');

  const checks = [
    ['registry get of an unknown device', 'DeviceNotFoundError', () => registry.get('node-errors-absent')],
    ['twin of an unknown device', 'DeviceNotFoundError', () => registry.getTwin('node-errors-absent')],
    ['create of an existing device', 'DeviceAlreadyExistsError', () => registry.create({ deviceId: present })],
    ['twin update with a stale ETag', 'InvalidEtagError',
      () => registry.updateTwin(present, { tags: { stale: true } }, stale)],
    ['method on an unknown device', 'DeviceNotFoundError',
      () => client.invokeDeviceMethod('node-errors-absent', { methodName: 'reboot', responseTimeoutInSeconds: 5 })],
    ['query with a syntax error', 'ArgumentError',
      () => registry.createQuery('SELECT * FROM devices WHERE').nextAsTwin()],
    // Node has no class for ModuleNotFound: IoT Hub's own answer gives a bare Error('Not found') too.
    ['module get of an unknown module', 'Error', () => registry.getModule(present, 'absent')],
  ];
  let wrong = 0;
  for (const [what, expected, call] of checks) {
    const error = await failureOf(call);
    const actual = error ? error.constructor.name : 'no error';
    if (actual !== expected) {
      wrong++;
    }
    console.log(`${actual === expected ? 'ok  ' : 'FAIL'} ${what}: ${actual}${error ? ` (${error.message})` : ''}`
      + (actual === expected ? '' : `, expected ${expected}`));
  }
  await registry.delete(present);
  process.exit(wrong === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error('setup failed:', error);
  process.exit(2);
});
