// Runs recipe.js, the Node.js recipe of docs/sdk-recipes.md, as a user
// would: against the real cdnmock binary, built from this checkout (or
// $CDNMOCK_BIN), on a port the kernel picks.
//
//   cd recipes/node && npm ci && npm test
//
// The README's and docs/sdk-recipes.md's copies of the recipe are checked
// against recipe.js by the Go test TestNodeRecipeInDocs (docs_test.go).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);
const here = import.meta.dirname;
const root = path.resolve(here, '../..');
let tmp, mockBin;
const mocks = [];

// startMock runs the mock on a port the kernel picks (--addr 127.0.0.1:0)
// and returns the host:port it says it serves on.
async function startMock(...flags) {
  const child = spawn(mockBin, ['--addr', '127.0.0.1:0', '--clock', '2026-11-25T12:00:00Z', ...flags],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  mocks.push(child);
  const host = await new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      const m = /serving .* on http:\/\/(\S+) /.exec(log);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`cdnmock exited ${code}:\n${log}`)));
    setTimeout(() => reject(new Error(`cdnmock did not start:\n${log}`)), 20000).unref();
  });
  return host;
}

// recipe runs recipe.js against host and returns its exit code and output.
function recipe(host) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['recipe.js'], {
      cwd: here, env: { ...process.env, CDNMOCK_ENDPOINT: host }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cdnmock-recipe-'));
  mockBin = process.env.CDNMOCK_BIN;
  if (!mockBin) {
    mockBin = path.join(tmp, 'cdnmock');
    await run('go', ['build', '-o', mockBin, '.'], { cwd: root });
  }
});

after(async () => {
  for (const m of mocks) m.kill('SIGTERM');
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the recipe makes its call and asserts its error against the mock', async () => {
  const host = await startMock();
  const r = await recipe(host);
  assert.equal(r.code, 0, `recipe.js exited ${r.code}:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^created task \S+$/m);
  assert.match(r.stdout, /^refused as expected: InvalidTimeRange \(400\)$/m);

  // The mock saw both calls, signed by the SDK, as the recipe says.
  const res = await fetch(`http://${host}/_mock/requests?action=CreateUserUsageDataExportTask`);
  assert.equal(res.status, 200);
  const seen = (await res.json()).requests
    .map((e) => `${e.accessKeyId} ${e.scenario} ${e.status} ${e.code || '-'} ${e.violations?.length ?? 0}`)
    .sort();
  assert.deepEqual(seen, ['AKID default 200 - 0', 'AKID-REFUSED InvalidTimeRange 400 InvalidTimeRange 0']);
});

test('the recipe fails when its call does not succeed', async () => {
  const host = await startMock('--scenario', 'InternalError');
  const r = await recipe(host);
  assert.equal(r.code, 1, `recipe.js exited ${r.code}:\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /InternalError/);
});
