// The hub's built-in blob endpoint from the Azure Storage Blob SDK for JavaScript, unmodified: with the storage
// connection string (Shared Key) in CONNECTION_STRING, and with the blob SAS URL given as the first argument (what a
// device gets for a file upload, used the way azure-iot-device's uploadToBlob uses it: uploadStream).
// The hub's CA is trusted through NODE_EXTRA_CA_CERTS. Prints OK when everything checked out; exits 1 otherwise.
'use strict';
const { BlobServiceClient, BlockBlobClient } = require('@azure/storage-blob');
const crypto = require('crypto');
const { Readable } = require('stream');

async function main() {
  const sasUrl = process.argv[2];
  const service = BlobServiceClient.fromConnectionString(process.env.CONNECTION_STRING);
  const container = service.getContainerClient('node');
  await container.create();

  const small = container.getBlockBlobClient('dir/small.txt');
  await small.upload('hello from node', 15, { blobHTTPHeaders: { blobContentType: 'text/plain' } });
  const properties = await small.getProperties();
  check(properties.contentLength === 15, 'small blob size ' + properties.contentLength);
  check(properties.contentType === 'text/plain', 'content type ' + properties.contentType);
  check((await small.downloadToBuffer()).toString() === 'hello from node', 'small blob content');

  const content = crypto.randomBytes(3 * 1024 * 1024 + 17);
  const multi = container.getBlockBlobClient('multi.bin');
  await multi.uploadData(content, { blockSize: 1024 * 1024, maxSingleShotSize: 1024 * 1024, concurrency: 3 });
  const downloaded = await multi.downloadToBuffer();
  check(sha256(downloaded) === sha256(content), 'multi-block content');
  const ranged = await multi.download(1000, 500);
  check(ranged._response.status === 206, 'range status ' + ranged._response.status);

  const names = [];
  for await (const item of container.listBlobsFlat()) {
    names.push(item.name);
  }
  check(JSON.stringify(names) === JSON.stringify(['dir/small.txt', 'multi.bin']), 'listing ' + names);
  await small.delete();
  check(!(await small.exists()), 'deleted blob still exists');

  const device = new BlockBlobClient(sasUrl);
  const upload = crypto.randomBytes(5 * 1024 * 1024 + 3);
  await device.uploadStream(Readable.from([upload]), 1024 * 1024, 4);
  const stored = await service.getContainerClient(device.containerName).getBlockBlobClient(device.name)
    .downloadToBuffer();
  check(sha256(stored) === sha256(upload), 'SAS upload content');
  try {
    await new BlockBlobClient(sasUrl.replace(device.name, 'someone-else.bin')).upload('x', 1);
    check(false, 'the SAS wrote another blob');
  } catch (e) {
    check(e.statusCode === 403, 'another blob with the SAS: ' + e.statusCode);
  }
  console.log('OK');
}

function sha256(buffer) {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

function check(condition, what) {
  if (!condition) {
    throw new Error('check failed: ' + what);
  }
}

main().catch((e) => {
  console.log('FAILED: ' + (e.stack || e));
  process.exit(1);
});
