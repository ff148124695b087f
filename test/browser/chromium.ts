// Debian's chromium driven by playwright-core (no browser download), and Swagger UI as a person
// uses it. Without /usr/bin/chromium a browser suite is skipped, loudly, unless REQUIRE_BROWSER=1
// (as in CI), which turns the missing browser into a failure.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../test-output/browser');

/** `describe` when chromium is there, `describe.skip` (said on stderr) when it is not. */
export function describeInChromium(): jest.Describe {
  const present = existsSync(CHROMIUM);
  if (!present && process.env.REQUIRE_BROWSER === '1')
    throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  if (!present)
    process.stderr.write(`\nSKIPPED the browser suite: no ${CHROMIUM} (apt-get install chromium)\n\n`);
  return present ? describe : describe.skip;
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
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
}

/** A screenshot into test-output/browser/<name>.png, of the page or of one part of it. */
export async function shot(page: Page, name: string, of?: Locator): Promise<void> {
  await (of ?? page).screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Swagger UI at /api/docs, driven through its own buttons. */
export class SwaggerUi {
  constructor(private readonly page: Page) {}

  async load(base: string): Promise<void> {
    await this.page.goto(`${base}/api/docs`);
    await this.page.locator('.swagger-ui .information-container').waitFor();
  }

  async authorize(token: string): Promise<void> {
    await this.page.locator('button.authorize').first().click();
    await this.page.locator('.modal-ux input').first().fill(token);
    await this.page.locator('.modal-ux button.authorize').click();
    await this.page.locator('.modal-ux button.btn-done').click();
  }

  /** Expands an operation and presses "Try it out" unless it is already on. */
  async open(id: string): Promise<Locator> {
    const op = this.page.locator(`#operations-jobs-${id}`);
    if (!(await op.locator('.opblock-body').isVisible()))
      await op.locator('.opblock-summary').first().click();
    const tryOut = op.locator('button.try-out__btn');
    if ((await tryOut.textContent())?.includes('Try it out')) await tryOut.click();
    return op;
  }

  /** Presses Execute; checks the status code shown and gives the response body shown. */
  async execute(op: Locator, expected: number): Promise<string> {
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe(String(expected));
    return (
      (await op.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? ''
    );
  }
}
