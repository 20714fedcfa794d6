'use strict';
// Import and export jobs as the unmodified Node service SDK (azure-iothub) runs them: importDevicesFromBlob with a
// devices.txt the test uploaded, exportDevicesToBlob (keys left out), importDevicesFromBlobByIdentity (a container URI
// without SAS), getJob until each ends, listJobs, and cancelJob on the finished export (answered unchanged). Prints:
//   job <name>: <type> <status> <failureReason or ''>
//   listed: <number of jobs listJobs returned>
//   cancelled: <status cancelJob answered for the finished export>
// Usage: node registry-import-export.js <container SAS URI> <container URI without SAS>. Environment:
// CONNECTION_STRING (registry read and write), the hub's CA in NODE_EXTRA_CA_CERTS.
const { Registry } = require('azure-iothub');
// (The job calls resolve to the job itself; listJobs, like the twin calls, to { responseBody, httpResponse }.)

async function finished(registry, job) {
  for (;;) {
    const current = await registry.getJob(job.jobId);
    if (['completed', 'failed', 'cancelled'].includes(current.status)) {
      return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main() {
  const [sasUri, plainUri] = process.argv.slice(2);
  const registry = Registry.fromConnectionString(process.env.CONNECTION_STRING);
  const print = (name, job) => console.log(`job ${name}: ${job.type} ${job.status} ${job.failureReason || ''}`);

  print('import', await finished(registry, await registry.importDevicesFromBlob(sasUri, sasUri)));
  const exported = await finished(registry, await registry.exportDevicesToBlob(sasUri, true));
  print('export', exported);
  print('import-by-identity', await finished(registry,
    await registry.importDevicesFromBlobByIdentity(plainUri, plainUri)));
  console.log(`listed: ${(await registry.listJobs()).responseBody.length}`);
  console.log(`cancelled: ${(await registry.cancelJob(exported.jobId)).status}`);
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
