import type { ChannelKind } from '../../config/sections/notifications.js';
import type { Message } from '../message.js';

/** A failed delivery: whether trying again can help, and whether the far end asked us to slow down. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly throttled = false,
  ) {
    super(message);
  }
}

/** One configured destination: renders a message its way and sends it. */
export interface Transport {
  readonly kind: ChannelKind;
  /** Largest rendered body the far end takes, in bytes (merged digests are cut to fit it). */
  readonly maxBytes: number;
  /** The rendered body, as the log shows and the size check measures it. */
  render(m: Message): string;
  /** Resolves once the far end accepted the message; rejects with a DeliveryError. */
  send(m: Message): Promise<void>;
  close(): Promise<void>;
}
