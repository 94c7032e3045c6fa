// What a user does in the workbench, as small helpers over playwright-core. Every helper waits on
// a condition in the page (an element, a text, a title), never on a fixed delay.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools.mjs';

/** The DOM id VS Code gives the extension's status bar entry: `<extension id>.<item id>`. */
export const STATUS_ITEM = '[id="stakes-dev.stakes.stakes.status"]';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const HOVER = '.workbench-hover, .monaco-hover:not(.hidden)';
const isMac = process.platform === 'darwin';
const mod = isMac ? 'Meta' : 'Control';

export class UI {
  /** @param {{ page: import('playwright-core').Page, workspace: string, resultsDir: string, origin: string }} options */
  constructor({ page, workspace, resultsDir, origin }) {
    this.page = page;
    this.workspace = workspace;
    this.resultsDir = resultsDir;
    this.origin = origin;
    this.stepPrefix = '';
    this.shots = 0;
    mkdirSync(resultsDir, { recursive: true });
  }

  // ---- files and editors --------------------------------------------------------------------

  /** Quick Open (Ctrl+P) `relativePath` and wait until it is the active editor. */
  async openFile(relativePath) {
    const name = relativePath.split('/').pop();
    await this.closeQuickInput();
    await this.focusWorkbench();
    await this.page.keyboard.press(`${mod}+P`);
    const input = this.page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    // The first row must be the file itself, with its folder as description, before Enter.
    const dir = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : '';
    const first = this.page.locator(QUICK_ROWS).first();
    await first.filter({ hasText: name }).filter({ hasText: dir }).waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.waitActiveEditor(name);
  }

  /** Close every editor (Ctrl+K Ctrl+W) and wait until no tab is left. */
  async closeAllEditors() {
    await this.closeQuickInput();
    await this.focusWorkbench();
    if ((await this.page.locator('.tabs-container .tab').count()) === 0) return;
    await this.page.keyboard.press(`${mod}+K`);
    await this.page.keyboard.press(`${mod}+W`);
    await this.page.locator('.tabs-container .tab').first().waitFor({ state: 'detached' });
  }

  /** Wait until the active editor tab is `name` (the window title starts with it). */
  async waitActiveEditor(name) {
    await this.page.waitForFunction((n) => document.title.replace(/^● /, '').startsWith(`${n} `), name);
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Put the cursor at `line`:`column` (1-based) with Go to Line (Ctrl+G). */
  async goToLine(line, column = 1) {
    await this.closeQuickInput();
    await this.focusWorkbench();
    await this.page.keyboard.press(`${mod}+G`);
    const input = this.page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`); // fill replaces the ":" Ctrl+G typed
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.cursorAt(line, column);
  }

  /** Wait until the status bar's cursor position reads `Ln line, Col column`. */
  async cursorAt(line, column = 1) {
    await this.page.locator('.statusbar-item', { hasText: new RegExp(`^\\s*Ln ${line}, Col ${column}\\b`) }).first().waitFor({ state: 'visible' });
  }

  /** Select whole lines `from`..`to` (1-based, inclusive) in the active editor. */
  async selectLines(from, to) {
    await this.goToLine(from, 1);
    for (let line = from; line <= to; line++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${to + 1}, Col 1 \\(\\d+ selected\\)`) }).first().waitFor({ state: 'visible' });
  }

  /** 1-based line of the first line containing `needle` in a workspace file (fails if absent). */
  lineOf(relativePath, needle) {
    const lines = readFileSync(join(this.workspace, relativePath), 'utf8').split('\n');
    const index = lines.findIndex((l) => l.includes(needle));
    if (index < 0) throw new Error(`"${needle}" is not in ${relativePath}: the example changed, update the step`);
    return index + 1;
  }

  /** Right-click the current selection in the active editor and choose `item` (text or RegExp) from the menu. */
  async contextMenu(item) {
    await this.rightClickSelection();
    const entry = this.menuItem(item);
    await entry.waitFor({ state: 'visible' });
    await this.screenshot(`context-menu-${slug(item instanceof RegExp ? item.source : item)}`);
    await entry.click();
  }

  /** The labels of the editor context menu for the current selection (menu closed again). */
  async contextMenuItems() {
    await this.rightClickSelection();
    const labels = this.page.locator('.monaco-menu .action-item .action-label');
    await labels.first().waitFor({ state: 'visible' });
    const items = (await labels.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-menu').first().waitFor({ state: 'hidden' });
    return items;
  }

  /** Right-click inside the selection (or at the cursor when nothing is selected). */
  async rightClickSelection() {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor');
    const selected = editor.locator('.selected-text');
    const target = (await selected.count()) ? selected.nth(Math.floor((await selected.count()) / 2)) : editor.locator('.cursor').first();
    await target.waitFor({ state: 'visible' });
    const box = await target.boundingBox();
    await this.page.mouse.click(box.x + Math.min(box.width / 2, 40), box.y + box.height / 2, { button: 'right' });
  }

  menuItem(label) {
    return this.page.locator('.monaco-menu .action-item .action-label').filter({ hasText: label instanceof RegExp ? label : exactText(label) }).first();
  }

  // ---- status bar -----------------------------------------------------------------------------

  statusItem() {
    return this.page.locator(STATUS_ITEM);
  }

  /** Wait until the Stakes status bar item shows `expected` (string: exact text; RegExp: match). */
  async waitStatus(expected, { timeout = 20_000 } = {}) {
    const item = this.statusItem();
    try {
      await this.page.waitForFunction(
        ([selector, source, flags, exact]) => {
          const text = document.querySelector(selector)?.textContent?.trim() ?? '';
          return exact !== null ? text === exact : new RegExp(source, flags).test(text);
        },
        [STATUS_ITEM, expected instanceof RegExp ? expected.source : '', expected instanceof RegExp ? expected.flags : '', typeof expected === 'string' ? expected : null],
        { timeout },
      );
    } catch {
      const seen = (await item.count()) ? (await item.textContent())?.trim() : '(no Stakes status bar item)';
      throw new Error(`status bar: expected ${expected}, saw "${seen}"`);
    }
    return (await item.textContent()).trim();
  }

  /** Hover the status bar item and return its tooltip text once it contains `expected`. */
  async hoverStatus(expected = /\S/) {
    await this.closeQuickInput();
    const hover = this.page.locator(HOVER).filter({ hasText: expected }).first();
    await this.statusItem().hover();
    await hover.waitFor({ state: 'visible' });
    return (await hover.innerText()).trim();
  }

  /** Move the mouse away so hovers close. */
  async unhover() {
    await this.page.mouse.move(5, 300);
    await this.page.locator(HOVER).filter({ visible: true }).first().waitFor({ state: 'hidden' }).catch(() => {});
  }

  async clickStatus() {
    await this.unhover();
    await this.statusItem().click();
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'visible' });
    return this.quickPickItems();
  }

  // ---- quick input and commands ------------------------------------------------------------------

  /** Visible rows of the open quick pick (label, description, detail joined by " | "). */
  async quickPickItems() {
    await this.page.locator(QUICK_ROWS).first().waitFor({ state: 'visible' });
    return (await this.page.locator(QUICK_ROWS).evaluateAll((rows) => rows.map((r) => {
      const part = (sel) => r.querySelector(sel)?.textContent?.trim() ?? '';
      return [part('.label-name') || part('.monaco-icon-label'), part('.label-description'), part('.quick-input-list-label-meta')]
        .filter(Boolean).join(' | ');
    })));
  }

  /** Choose the quick pick row whose text matches `label` (string: contains; RegExp: match). */
  async pickQuickItem(label) {
    const input = this.page.locator(`${QUICK_INPUT} input`);
    if (typeof label === 'string') await input.fill(label); // narrows long lists so the row is rendered
    const row = this.page.locator(QUICK_ROWS).filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** Title of the open quick input. */
  async quickInputTitle() {
    return (await this.page.locator(`${QUICK_INPUT} .quick-input-title`).innerText()).trim();
  }

  async closeQuickInput() {
    const widget = this.page.locator(QUICK_INPUT);
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
    }
  }

  /** Open the command palette and type `title`; returns its input box and the row titled exactly `title`. */
  async searchPalette(title) {
    await this.closeQuickInput();
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const box = this.page.locator(`${QUICK_INPUT} input`);
    await box.waitFor({ state: 'visible' });
    await box.fill(`>${title}`);
    const row = this.page.locator(QUICK_ROWS).filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) }).first();
    return { box, row };
  }

  /**
   * Run a command from the palette (F1) by its title, e.g. "Stakes: Show why". With `input`, type
   * it into the quick input the command opens and press Enter.
   */
  async runCommand(title, { input } = {}) {
    const { box, row } = await this.searchPalette(title);
    try {
      await row.waitFor({ state: 'visible', timeout: 10_000 });
    } catch {
      const offered = await this.page.locator(QUICK_ROWS).allInnerTexts().catch(() => []);
      throw new Error(`command palette has no "${title}"; it offers: ${offered.map((t) => t.replace(/\s+/g, ' ')).join(' / ') || 'nothing'}`);
    }
    await row.click();
    if (input !== undefined) {
      await box.waitFor({ state: 'visible' });
      await box.fill(input);
      await this.page.keyboard.press('Enter');
    }
  }

  /**
   * Whether the command palette offers a command titled exactly `title`: false when no such row
   * shows within `timeout` (filtering takes milliseconds; pair a false with a positive control).
   */
  async paletteHas(title, { timeout = 5000 } = {}) {
    const { row } = await this.searchPalette(title);
    const found = await row.waitFor({ state: 'visible', timeout }).then(() => true, () => false);
    await this.closeQuickInput();
    return found;
  }

  /** Give keyboard focus to the workbench (not an iframe) so shortcuts reach it. */
  async focusWorkbench() {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor textarea').first();
    if (await editor.count()) await editor.focus().catch(() => {});
    else await this.page.locator('.monaco-workbench').focus().catch(() => {});
  }

  // ---- notifications, webviews, clipboard -------------------------------------------------------

  /** Wait for a notification toast whose text matches `expected`; returns its text. */
  async waitNotification(expected, { timeout = 20_000 } = {}) {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: expected }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.innerText()).trim();
  }

  async clearNotifications() {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** The content frame of the visible webview whose tab title matches `title` (or the last visible). */
  webview() {
    const frame = this.page.locator('iframe.webview.ready').filter({ visible: true }).last();
    return frame.contentFrame().locator('#active-frame').contentFrame();
  }

  /** Text of the visible webview once `selector` matches `expected`. */
  async webviewText(expected = /\S/, { selector = 'body', timeout = 30_000 } = {}) {
    const target = this.webview().locator(selector).filter({ hasText: expected }).first();
    await target.waitFor({ state: 'visible', timeout });
    return (await target.innerText()).trim();
  }

  /** Wait for an editor tab titled `title` (webviews and text editors alike) to be active. */
  async waitTab(title, { timeout = 30_000 } = {}) {
    await this.page.locator('.editor-group-container .tab.active').filter({ hasText: title }).first().waitFor({ state: 'visible', timeout });
  }

  /** The clipboard's text once it is non-empty (the write is asynchronous); '' after `timeout`. */
  async readClipboard({ timeout = 10_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = await this.page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      if (text || Date.now() > deadline) return text;
      await this.page.waitForTimeout(100); // poll interval
    }
  }

  /**
   * Save a screenshot as test-results/e2e/<step>--<name>.png and return its path. With `readme`,
   * a run with STAKES_README_SCREENSHOTS=1 also refreshes media/screenshots/<readme>.png.
   */
  async screenshot(name, { readme } = {}) {
    const file = join(this.resultsDir, `${this.stepPrefix}${this.stepPrefix && name ? '--' : ''}${slug(name)}.png`);
    await this.page.screenshot({ path: file });
    this.shots++;
    if (readme && process.env.STAKES_README_SCREENSHOTS === '1') {
      const dir = join(repoRoot, 'media', 'screenshots');
      mkdirSync(dir, { recursive: true });
      copyFileSync(file, join(dir, `${readme}.png`));
    }
    return file;
  }
}

export function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48).replace(/-$/, '');
}

function exactText(text) {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
