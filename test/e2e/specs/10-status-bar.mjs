// The status bar as a user meets it: labels per file, the tooltip, the quick pick behind a click,
// the palette commands, and a .stakes.json edit taking effect at once.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { step } from '../harness.mjs';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

step('labels follow the open file: sensitive, boilerplate, spec, migration', async (ui) => {
  await ui.openFile('src/auth/password.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  await ui.screenshot('sensitive');
  await ui.openFile('src/products/dto.ts');
  await ui.waitStatus('Composer 2 · boilerplate');
  await ui.screenshot('boilerplate');
  await ui.openFile('openapi.yaml');
  await ui.waitStatus('Gemini 3.1 Pro · context-heavy');
  await ui.openFile('docs/design.md');
  await ui.waitStatus('Gemini 3.1 Pro · context-heavy');
  await ui.openFile('migrations/001_init.sql');
  await ui.waitStatus('GPT-5.4 · sensitive');
});

step('sensitive work gets the warning background and an accessible name', async (ui) => {
  await ui.openFile('src/auth/jwt.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  const item = ui.statusItem();
  const aria = await item.getAttribute('aria-label');
  expect(/sensitive work, recommended model GPT-5\.4/.test(aria ?? ''), `aria-label is "${aria}"`);
  expect(/warning-kind/.test((await item.getAttribute('class')) ?? ''), 'the sensitive item has no warning background class');
  await ui.openFile('src/products/dto.ts');
  await ui.waitStatus('Composer 2 · boilerplate');
  expect(!/warning-kind/.test((await item.getAttribute('class')) ?? ''), 'the boilerplate item kept the warning background');
});

step('hovering shows the reasons, the runner-up and links', async (ui) => {
  await ui.openFile('src/auth/jwt.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  const tooltip = await ui.hoverStatus(/Recommended/);
  expect(/sensitive work/.test(tooltip), `tooltip lacks the label:\n${tooltip}`);
  expect(/Recommended: GPT-5\.4 \(openai\)/.test(tooltip), `tooltip lacks the recommendation:\n${tooltip}`);
  expect(/calls jwt\.(?:sign|verify)/.test(tooltip), `tooltip lacks the evidence (the token signing):\n${tooltip}`);
  expect(/line \d+/.test(tooltip), `tooltip reasons have no line links:\n${tooltip}`);
  expect(/Runner-up/.test(tooltip), `tooltip lacks the runner-up:\n${tooltip}`);
  await ui.screenshot('tooltip', { readme: 'status-bar-tooltip' });
  await ui.unhover();
});

step('clicking the item opens "why" and a reason jumps to its line', async (ui) => {
  await ui.openFile('src/auth/password.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  const items = await ui.clickStatus();
  expect(/Stakes: src\/auth\/password\.ts/.test(await ui.quickInputTitle()), 'quick pick title does not name the file');
  expect(items.some((i) => /sensitive → GPT-5\.4/.test(i)), `no "sensitive → GPT-5.4" row in:\n${items.join('\n')}`);
  expect(items.some((i) => /Copy model name/.test(i)), `no "Copy model name" action in:\n${items.join('\n')}`);
  expect(items.some((i) => /Pin a label/.test(i)), `no "Pin a label" action in:\n${items.join('\n')}`);
  await ui.screenshot('why');
  // Pick the first reason that cites a line and check the cursor lands there.
  const reason = items.find((i) => /password\.ts:\d+/.test(i));
  expect(reason, `no reason with a line in:\n${items.join('\n')}`);
  const line = Number(/password\.ts:(\d+)/.exec(reason)[1]);
  await ui.pickQuickItem(/password\.ts:\d+/);
  await ui.cursorAt(line, 1);
});

step('"Copy model name" puts the model id on the clipboard', async (ui) => {
  await ui.page.evaluate(() => navigator.clipboard.writeText(''));
  await ui.openFile('src/products/dto.ts');
  await ui.waitStatus('Composer 2 · boilerplate');
  await ui.clickStatus();
  await ui.pickQuickItem('Copy model name');
  const copied = await ui.readClipboard();
  expect(/composer/i.test(copied), `clipboard holds "${copied}"`);
});

step('pinning a label from the palette changes the status bar, unpinning restores it', async (ui) => {
  await ui.openFile('src/products/routes.ts');
  await ui.waitStatus('Composer 2 · boilerplate');
  await ui.runCommand('Stakes: Pin a label for this file…');
  await ui.pickQuickItem('complex');
  await ui.waitStatus('Claude Opus 4.6 · complex');
  await ui.screenshot('pinned');
  await ui.runCommand('Stakes: Pin a label for this file…');
  await ui.pickQuickItem('Unpin');
  await ui.waitStatus('Composer 2 · boilerplate');
});

step('editing .stakes.json re-labels the open file without a reload', async (ui, env) => {
  const file = join(env.workspace, '.stakes.json');
  const before = readFileSync(file, 'utf8');
  try {
    await ui.openFile('src/products/dto.ts');
    await ui.waitStatus('Composer 2 · boilerplate');
    writeFileSync(file, JSON.stringify({ paths: { 'src/products/**': 'sensitive' } }, null, 2));
    await ui.waitStatus('GPT-5.4 · sensitive');
    await ui.screenshot('relabelled');
  } finally {
    writeFileSync(file, before);
  }
  await ui.waitStatus('Composer 2 · boilerplate');
});

step('an invalid .stakes.json is reported with the key and what was expected', async (ui, env) => {
  const file = join(env.workspace, '.stakes.json');
  const before = readFileSync(file, 'utf8');
  try {
    await ui.openFile('src/auth/password.ts');
    await ui.waitStatus('GPT-5.4 · sensitive');
    writeFileSync(file, JSON.stringify({ paths: { 'src/**': 'very-sensitive' } }));
    const toast = await ui.waitNotification(/\.stakes\.json/);
    expect(/paths/.test(toast) && /expected one of/.test(toast), `the warning does not name the key and the expectation:\n${toast}`);
    await ui.screenshot('invalid-config');
    await ui.waitStatus('GPT-5.4 · sensitive');
  } finally {
    writeFileSync(file, before);
    await ui.clearNotifications();
  }
});

step('"Open the routing table" opens .stakes.json', async (ui) => {
  await ui.openFile('src/auth/password.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  await ui.runCommand('Stakes: Open the routing table (.stakes.json)');
  await ui.waitActiveEditor('.stakes.json');
});
