import type { Ack, RegionSnapshot } from '@zhihui/shared';
import type { WallTransport } from '../lib/socket';

/** A socket stand-in: records subscribes and lets the test answer them and push events. */
export class FakeTransport implements WallTransport {
  connected = false;
  handlers = new Map<string, ((...a: never[]) => void)[]>();
  subscribes: { req: { region: string }; ack: (res: Ack<RegionSnapshot>) => void }[] = [];
  on(event: string, fn: (...a: never[]) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  off(event: string, fn: (...a: never[]) => void) {
    this.handlers.set(
      event,
      (this.handlers.get(event) ?? []).filter((f) => f !== fn),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    const [req, ack] = args as [{ region: string }, (res: Ack<RegionSnapshot>) => void];
    if (event === 'subscribe') this.subscribes.push({ req, ack });
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const f of this.handlers.get(event) ?? []) (f as (...a: unknown[]) => void)(...args);
  }
  connect() {
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  answer(s: RegionSnapshot, k = this.subscribes.length - 1) {
    this.subscribes[k]!.ack({ ok: true, data: s });
  }
}
