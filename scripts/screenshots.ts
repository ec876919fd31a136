import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEMO_READER,
  DEMO_SCREENS,
  launchChromium,
  seedDemoData,
  signIn,
  startDemoRuntime,
  waitForScreen,
} from './web-demo.ts';

/**
 * `npm run docs:screenshots`: the web client's main screens (DEMO_SCREENS in web-demo.ts) over demo data, as PNG
 * files in docs/screenshots/, each at a desktop width and a phone width: `<screen>-desktop.png`,
 * `<screen>-phone.png`. The runtime runs in memory; nothing is kept but the pictures.
 */
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
};

const runtime = await startDemoRuntime();
const browser = await launchChromium();
try {
  const { origin } = await seedDemoData(runtime);
  mkdirSync(OUT, { recursive: true });
  for (const [device, viewport] of Object.entries(VIEWPORTS))
    for (const signedIn of [false, true]) {
      // A browser context of its own for the screens seen signed out, and one signed in once for the others.
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.setViewport({ ...viewport, deviceScaleFactor: 1 });
        if (signedIn) await signIn(page, origin, DEMO_READER);
        for (const screen of DEMO_SCREENS.filter((s) => s.signedIn === signedIn)) {
          await page.goto(`${origin}${screen.path}`, { waitUntil: 'networkidle0' });
          await waitForScreen(page, screen.title);
          // The heading takes the focus after each navigation; the picture shows the screen, not a caret.
          await page.evaluate('document.activeElement?.blur()');
          const file = `${screen.name}-${device}.png` as const;
          await page.screenshot({ path: `${OUT}${file}` });
          process.stdout.write(`docs/screenshots/${file}: ${screen.path} at ${viewport.width} px\n`);
        }
      } finally {
        await context.close();
      }
    }
} finally {
  await browser.close();
  await runtime.stop();
}
