/** An ActionIO that keeps what a run said, set and wrote, for tests that call run() in-process. */
import type { ActionIO } from '../../src/runner/io.ts';

export class RecordingIO implements ActionIO {
  outputs: Record<string, string> = {};
  lines: string[] = [];
  secrets: string[] = [];
  summary = '';
  failSummary = false;
  info(message: string) {
    this.lines.push(message);
  }
  debug(message: string) {
    this.lines.push(`debug: ${message}`);
  }
  warning(message: string, title?: string) {
    this.lines.push(`warning [${title ?? ''}]: ${message}`);
  }
  error(message: string, title?: string) {
    this.lines.push(`error [${title ?? ''}]: ${message}`);
  }
  setOutput(name: string, value: string) {
    this.outputs[name] = value;
  }
  setSecret(value: string) {
    this.secrets.push(value);
  }
  async writeSummary(markdown: string) {
    if (this.failSummary) throw new Error('summary file is read-only');
    this.summary += markdown;
  }
  get text() {
    return [this.lines.join('\n'), JSON.stringify(this.outputs), this.summary].join('\n');
  }
}
