'use strict';
// A device's file upload with the unmodified Node SDK (azure-iot-device's uploadToBlob: its file upload API, then
// @azure/storage-blob, trusting the hub's CA through NODE_EXTRA_CA_CERTS), then a SAS URI it reports as failed
// (notifyBlobUploadStatus: Node puts the correlation id in the path). Usage: node file-upload.js <blobName> <text>.
// Environment: CONNECTION_STRING (the device's), LOCALHUB_CA (the hub's CA).
const fs = require('fs');
const { Readable } = require('stream');
const { Client } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

async function main() {
  const [blobName, text] = process.argv.slice(2);
  const client = Client.fromConnectionString(process.env.CONNECTION_STRING, Mqtt);
  await client.setOptions({ ca: fs.readFileSync(process.env.LOCALHUB_CA, 'utf8') });
  await client.open();
  const content = Buffer.from(text, 'utf8');
  await client.uploadToBlob(blobName, Readable.from([content]), content.length);
  console.log('uploaded ' + blobName);
  const sas = await client.getBlobSharedAccessSignature('not-uploaded.txt');
  console.log('sas for ' + sas.blobName + ' in ' + sas.containerName);
  await client.notifyBlobUploadStatus(sas.correlationId, false, 400, 'not uploaded');
  console.log('reported failure');
  await client.close();
}

main().then(() => process.exit(0), (error) => {
  console.error('failed: ' + (error && error.stack || error));
  process.exit(1);
});
