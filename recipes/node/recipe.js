// Alibaba Cloud's Node.js SDK v5 (@alicloud/cdn20180510) against cdnmock:
// one call that succeeds, and one error forced by a scenario and asserted.
//
//   npm install @alicloud/cdn20180510@5.0.0 @alicloud/openapi-core@1.0.8
//   go run . --clock 2026-11-25T12:00:00Z   # the mock, in a cdnmock checkout
//   node recipe.js                          # CDNMOCK_ENDPOINT=host:port if not 127.0.0.1:8080
const assert = require('node:assert/strict');
const { default: Cdn, CreateUserUsageDataExportTaskRequest } = require('@alicloud/cdn20180510');
const { $OpenApiUtil, ClientError } = require('@alicloud/openapi-core');

const endpoint = process.env.CDNMOCK_ENDPOINT || '127.0.0.1:8080';
const client = (accessKeyId) => new Cdn(new $OpenApiUtil.Config({
  accessKeyId, accessKeySecret: 'SECRET', endpoint, protocol: 'http',
}));
const request = new CreateUserUsageDataExportTaskRequest({
  startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z',
});

async function main() {
  // One call: the default scenario creates a task.
  const created = await client('AKID').createUserUsageDataExportTask(request);
  assert.equal(created.statusCode, 200);
  console.log('created task', created.body.taskId);

  // One error: bind an access key to the scenario InvalidTimeRange through the
  // admin API; the same call signed with that key then fails as the API would.
  const bound = await fetch(`http://${endpoint}/_mock/scenario`, {
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scenario: 'InvalidTimeRange', accessKeyId: 'AKID-REFUSED' }),
  });
  assert.equal(bound.status, 200, await bound.text());
  await assert.rejects(client('AKID-REFUSED').createUserUsageDataExportTask(request), (err) => {
    assert.ok(err instanceof ClientError, err); // a 4xx; a 5xx is a ServerError
    assert.equal(err.code, 'InvalidTimeRange');
    assert.equal(err.statusCode, 400);
    return true;
  });
  console.log('refused as expected: InvalidTimeRange (400)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
