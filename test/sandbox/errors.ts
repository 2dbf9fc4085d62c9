/** Dfns-shaped error answers: `{"error":{"id","status","message","details"}}`. */
import { randomInt } from 'node:crypto';

/** An HTTP answer, before it is written. */
export interface Reply {
  status: number;
  /** JSON text (or anything else: faults, configured answers, the input archive's bytes). */
  body: string | Buffer;
  headers: Record<string, string>;
}

/** A request the sandbox refuses; turned into a Dfns error answer. */
export class Refusal extends Error {
  override name = 'Refusal';
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

/** Throws a `Refusal`: reads as a guard clause (`if (bad) refuse(403, '…')`). */
export function refuse(status: number, message: string, details: Record<string, unknown> = {}): never {
  throw new Refusal(status, message, details);
}

/** 19 random digits, like Dfns error ids. */
export function errorId(): string {
  let id = String(randomInt(1, 10));
  for (let i = 0; i < 18; i++) id += String(randomInt(10));
  return id;
}

export function dfnsErrorBody(status: number, message: string, details: Record<string, unknown> = {}): unknown {
  return { error: { id: errorId(), status, message, details } };
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

export function errorReply(status: number, message: string, details: Record<string, unknown> = {}): Reply {
  return jsonReply(status, dfnsErrorBody(status, message, details));
}
