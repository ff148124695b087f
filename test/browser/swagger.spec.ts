// Swagger UI in a real browser: Debian's chromium driven by playwright-core (no browser
// download). A person authorizes, tries the POST with the YAML example, reads the Job back,
// and pastes YAML with a remark in a number to see the 422 that names the line.
// Without /usr/bin/chromium the suite is skipped, loudly, unless REQUIRE_BROWSER=1 (as in CI).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { SEED_JOB_WITH_REMARK_YAML } from '../../src/job/job.examples';
import { Gateway, startGateway } from '../support/gateway';
import { writeAuthFiles } from '../support/auth-files';

jest.setTimeout(60000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../test-output/browser');
const TOKEN = 'browser-admin-token-0123456789abcdef';
const present = existsSync(CHROMIUM);
if (!present && process.env.REQUIRE_BROWSER === '1')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
if (!present)
  process.stderr.write(`\nSKIPPED the browser suite: no ${CHROMIUM} (apt-get install chromium)\n\n`);

(present ? describe : describe.skip)('Swagger UI in chromium', () => {
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    gw = await startGateway(writeAuthFiles(`${TOKEN},browser-admin,uid-admin,"system:masters"`));
    await gw.app.listen(0, '127.0.0.1');
    base = await gw.app.getUrl();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    mkdirSync(SHOTS, { recursive: true });
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const operation = (id: string): Locator => page.locator(`#operations-jobs-${id}`);
  const shot = (name: string, of?: Locator) => (of ?? page).screenshot({ path: join(SHOTS, `${name}.png`) });

  async function open(id: string): Promise<Locator> {
    const op = operation(id);
    if (!(await op.locator('.opblock-body').isVisible()))
      await op.locator('.opblock-summary').first().click();
    const tryOut = op.locator('button.try-out__btn');
    if ((await tryOut.textContent())?.includes('Try it out')) await tryOut.click();
    return op;
  }

  async function execute(op: Locator, expected: number): Promise<string> {
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe(String(expected));
    return (
      (await op.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? ''
    );
  }

  it('authorizes, creates the YAML example with Try it out, and reads the Job back', async () => {
    await page.goto(`${base}/api/docs`);
    await page.locator('.swagger-ui .information-container').waitFor();
    await shot('1-docs');

    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input').first().fill(TOKEN);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    const post = await open('JobController_create');
    await post.locator('input[placeholder="namespace"]').fill('default');
    const body = post.locator('textarea.body-param__text');
    expect(await body.inputValue()).toContain('kind: Job');
    const created = await execute(post, 201);
    expect(created).toContain('"kind": "Job"');
    const name = (JSON.parse(created) as { metadata: { name: string } }).metadata.name;
    await shot('2-created', post);

    const get = await open('JobController_get');
    await get.locator('input[placeholder="namespace"]').fill('default');
    await get.locator('input[placeholder="name"]').fill(name);
    const got = await execute(get, 200);
    expect(JSON.parse(got)).toMatchObject({ kind: 'Job', metadata: { name, namespace: 'default' } });
    await shot('3-read-back', get);
  });

  it('shows the 422 with the line of a remark pasted into a number', async () => {
    const post = await open('JobController_create');
    await post.locator('textarea.body-param__text').fill(SEED_JOB_WITH_REMARK_YAML);
    const answer = JSON.parse(await execute(post, 422)) as {
      reason: string;
      details: { causes: { field: string; line: number }[] };
    };
    expect(answer.reason).toBe('Invalid');
    expect(answer.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.completions', line: 6 }),
    );
    await shot('4-remark-422', post.locator('.live-responses-table'));
  });
});
