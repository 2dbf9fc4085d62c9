/** What pure modules need to say something; the entry point wires it to @actions/core. */
export interface Logger {
  info(message: string): void;
  warning(message: string, title?: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warning() {}, debug() {} };
