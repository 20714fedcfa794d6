'use strict';
// The hub's REST errors as the unmodified Node service SDK (azure-iothub) reports them. It creates <deviceId> with
// Registry, makes each call below that must fail, and prints one line per call:
//   error <check>: <class of the error the SDK raised, or 'none'>: <its message>
// (the SDK picks the class from the HTTP status, and for a 404 from IoT Hub's "ErrorCode:<name>;<text>" body, which
// also gives the message); then it deletes the device. The test compares each class and message with what the SDK
// makes of IoT Hub's own answer. Usage: node registry-errors.js <deviceId> <absent deviceId>. Environment:
// CONNECTION_STRING (a policy with registry write and service connect), the hub's CA in NODE_EXTRA_CA_CERTS.
const { Registry, Client } = require('azure-iothub');

async function failureOf(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return error;
  }
}

async function main() {
  const [present, absent] = process.argv.slice(2);
  const registry = Registry.fromConnectionString(process.env.CONNECTION_STRING);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING);
  await registry.create({ deviceId: present });
  const stale = (await registry.getTwin(present)).responseBody.etag;
  await registry.updateTwin(present, { tags: { changed: true } }, '*');

  const checks = {
    'get-absent-device': () => registry.get(absent),
    'twin-of-absent-device': () => registry.getTwin(absent),
    'method-on-absent-device': () => client.invokeDeviceMethod(absent,
      { methodName: 'reboot', responseTimeoutInSeconds: 5 }),
    'create-existing-device': () => registry.create({ deviceId: present }),
    'twin-update-with-stale-etag': () => registry.updateTwin(present, { tags: { stale: true } }, stale),
    'query-syntax-error': () => registry.createQuery('SELECT * FROM devices WHERE').nextAsTwin(),
    'get-absent-module': () => registry.getModule(present, 'absent'),
  };
  for (const [check, call] of Object.entries(checks)) {
    const error = await failureOf(call);
    console.log(`error ${check}: ${error ? error.constructor.name : 'none'}: ${error ? error.message : ''}`);
  }
  await registry.delete(present);
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
