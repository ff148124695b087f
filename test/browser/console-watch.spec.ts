// Live status in a real browser: a console page of the test, served from an origin of its own
// (allowed by CORS_ORIGINS, as a console deployed beside the gateway would be), opens a watch
// with fetch streaming and the bearer token in the Authorization header (EventSource cannot
// send headers), while a person creates a Job with Swagger UI's "Try it out"; the page sees it
// reach Complete through the stream. Real: chromium, the whole gateway on a loopback port, its
// embedded fake running the Job (job controller and simulated kubelet, clock sped up).
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { writeAuthFiles } from '../support/auth-files';
import { Gateway, startGateway } from '../support/gateway';
import { describeInChromium, launchChromium, shot, SwaggerUi } from './chromium';

jest.setTimeout(90000);
const TOKEN = 'browser-console-token-0123456789abcdef';

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}
interface Opened {
  status: number;
  contentType: string | null;
  body?: string;
}
interface ConsoleWindow {
  events: SseEvent[];
  watchJobs(url: string, token?: string): Promise<Opened>;
}

// The page reads Server-Sent Events as EventSource would (frames end at a blank line; comment
// lines are heartbeats), and lists each change with the Job's true conditions.
const CONSOLE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Job console (test page)</title>
<style>body{font:13px monospace;margin:16px} li{margin:2px 0} .Complete{color:#070;font-weight:bold}</style>
</head><body>
<h1>Jobs in default, live</h1>
<p id="status">not watching</p>
<ol id="events"></ol>
<script>
window.events = [];
function render(e) {
  if (e.event === 'BOOKMARK') return;
  const li = document.createElement('li');
  let text = e.event + ' ' + e.data;
  try {
    const o = JSON.parse(e.data);
    const conds = ((o.status && o.status.conditions) || []).filter((c) => c.status === 'True').map((c) => c.type);
    text = 'id ' + e.id + ' ' + e.event + ' ' + (o.metadata && o.metadata.name) +
      ' succeeded=' + ((o.status && o.status.succeeded) || 0) + ' ' + conds.join(',');
    if (conds.includes('Complete')) li.className = 'Complete';
  } catch (err) {}
  li.textContent = text;
  document.getElementById('events').appendChild(li);
}
window.watchJobs = async function (url, token) {
  const headers = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(url, { headers });
  const contentType = res.headers.get('content-type');
  if (!res.ok) return { status: res.status, contentType, body: await res.text() };
  document.getElementById('status').textContent = 'watching: HTTP ' + res.status + ', ' + contentType;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  (async () => {
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      for (let end = buf.indexOf('\\n\\n'); end >= 0; end = buf.indexOf('\\n\\n')) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const e = { event: 'message', data: '' };
        for (const line of block.split('\\n')) {
          if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('data: ')) e.data += line.slice(6);
        }
        if (!e.data) continue;
        window.events.push(e);
        render(e);
      }
    }
    document.getElementById('status').textContent = 'the stream ended';
  })();
  return { status: res.status, contentType };
};
</script>
</body></html>`;

describeInChromium()('a console page watching Jobs in chromium', () => {
  let site: Server;
  let origin: string;
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let consolePage: Page;
  let docsPage: Page;

  beforeAll(async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(CONSOLE_PAGE);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    gw = await startGateway({
      ...writeAuthFiles(`${TOKEN},console-admin,uid-console,"system:masters"`),
      CORS_ORIGINS: origin,
      FAKE_TIME_SCALE: '20',
    });
    await gw.app.listen(0, '127.0.0.1');
    base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
    consolePage = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    docsPage = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    // The page's stream would hold the gateway's close back until its socket goes.
    const t = setTimeout(() => gw?.app.getHttpServer().closeAllConnections(), 1000);
    await gw?.close();
    clearTimeout(t);
    await new Promise((r) => site?.close(r));
  });

  const watch = (token?: string): Promise<Opened> =>
    consolePage.evaluate(([url, t]) => (globalThis as unknown as ConsoleWindow).watchJobs(url, t), [
      `${base}/api/v1/_raw/job/namespace/default?watch=true`,
      token,
    ] as const);

  it('is refused without the token, with a Status the page can read across origins', async () => {
    await consolePage.goto(origin);
    const refused = await watch();
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body ?? '')).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('sees a Job created with Swagger UI go from ADDED to Complete through its fetch stream', async () => {
    const opened = await watch(TOKEN);
    expect(opened.status).toBe(200);
    expect(opened.contentType).toMatch(/^text\/event-stream/);
    await shot(consolePage, 'watch-1-console-open');

    const ui = new SwaggerUi(docsPage);
    await ui.load(base);
    await ui.authorize(TOKEN);
    const post = await ui.open('JobController_create');
    await post.locator('input[placeholder="namespace"]').fill('default');
    expect(await post.locator('textarea.body-param__text').inputValue()).toContain('kind: Job');
    const created = JSON.parse(await ui.execute(post, 201)) as { metadata: { name: string; uid: string } };
    const { name, uid } = created.metadata;
    await shot(docsPage, 'watch-2-created-in-swagger', post);

    await consolePage.waitForFunction(
      (job) =>
        (globalThis as unknown as ConsoleWindow).events.some(
          (e) =>
            e.event === 'MODIFIED' &&
            e.data.includes(`"name":"${job}"`) &&
            e.data.includes('"type":"Complete","status":"True"'),
        ),
      name,
      { timeout: 60000 },
    );
    await shot(consolePage, 'watch-3-complete');

    const events = await consolePage.evaluate(() => (globalThis as unknown as ConsoleWindow).events);
    const changes = events
      .filter((e) => e.event !== 'BOOKMARK')
      .map((e) => ({ e, job: JSON.parse(e.data) as JobSeen }))
      .filter(({ job }) => job.metadata.uid === uid);
    // The Job the page saw is the one Swagger UI created: ADDED first, then its own status
    // updates, each with a resourceVersion as id, in order, and at last 3 of 3 succeeded.
    expect(changes[0].e.event).toBe('ADDED');
    expect(changes.slice(1).every(({ e }) => e.event === 'MODIFIED')).toBe(true);
    const ids = changes.map(({ e }) => BigInt(e.id ?? '0'));
    expect(ids.every((id, i) => id > 0n && (i === 0 || id > ids[i - 1]))).toBe(true);
    const last = changes[changes.length - 1].job;
    expect(last.metadata.resourceVersion).toBe(changes[changes.length - 1].e.id);
    expect(last.status).toMatchObject({ succeeded: 3 });
    expect(last.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]),
    );
    await expect(consolePage.locator('#events li.Complete').first().textContent()).resolves.toContain(
      `MODIFIED ${name} succeeded=3`,
    );
  });
});

interface JobSeen {
  metadata: { name: string; uid: string; resourceVersion: string };
  status: { succeeded?: number; conditions?: { type: string; status: string }[] };
}
