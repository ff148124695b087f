// Swagger UI in a real browser: Debian's chromium driven by playwright-core (no browser
// download). A person authorizes, tries the POST with the YAML example, reads the Job back,
// and pastes YAML with a remark in a number to see the 422 that names the line.
// Without /usr/bin/chromium the suite is skipped, loudly, unless REQUIRE_BROWSER=1 (as in CI).
import type { Browser, Page } from 'playwright-core';
import { SEED_JOB_WITH_REMARK_YAML } from '../../src/job/job.examples';
import { Gateway, startGateway } from '../support/gateway';
import { writeAuthFiles } from '../support/auth-files';
import { describeInChromium, launchChromium, shot, SwaggerUi } from './chromium';

jest.setTimeout(60000);
const TOKEN = 'browser-admin-token-0123456789abcdef';

describeInChromium()('Swagger UI in chromium', () => {
  let gw: Gateway;
  let base: string;
  let browser: Browser;
  let page: Page;
  let ui: SwaggerUi;

  beforeAll(async () => {
    gw = await startGateway(writeAuthFiles(`${TOKEN},browser-admin,uid-admin,"system:masters"`));
    await gw.app.listen(0, '127.0.0.1');
    base = await gw.app.getUrl();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    ui = new SwaggerUi(page);
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('authorizes, creates the YAML example with Try it out, and reads the Job back', async () => {
    await ui.load(base);
    await shot(page, '1-docs');
    await ui.authorize(TOKEN);

    const post = await ui.open('JobController_create');
    await post.locator('input[placeholder="namespace"]').fill('default');
    const body = post.locator('textarea.body-param__text');
    expect(await body.inputValue()).toContain('kind: Job');
    const created = await ui.execute(post, 201);
    expect(created).toContain('"kind": "Job"');
    const name = (JSON.parse(created) as { metadata: { name: string } }).metadata.name;
    await shot(page, '2-created', post);

    const get = await ui.open('JobController_get');
    await get.locator('input[placeholder="namespace"]').fill('default');
    await get.locator('input[placeholder="name"]').fill(name);
    const got = await ui.execute(get, 200);
    expect(JSON.parse(got)).toMatchObject({ kind: 'Job', metadata: { name, namespace: 'default' } });
    await shot(page, '3-read-back', get);
  });

  it('shows the 422 with the line of a remark pasted into a number', async () => {
    const post = await ui.open('JobController_create');
    await post.locator('textarea.body-param__text').fill(SEED_JOB_WITH_REMARK_YAML);
    const answer = JSON.parse(await ui.execute(post, 422)) as {
      reason: string;
      details: { causes: { field: string; line: number }[] };
    };
    expect(answer.reason).toBe('Invalid');
    expect(answer.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.completions', line: 6 }),
    );
    await shot(page, '4-remark-422', post.locator('.live-responses-table'));
  });
});
