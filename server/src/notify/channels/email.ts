import type { NotifyChannelConfig } from '../../config/sections/notifications.js';
import { toText } from '../message.js';
import { DeliveryError, type Transport } from './types.js';

/**
 * E-mail through SMTP (nodemailer, loaded only when an e-mail channel exists). A rejected
 * recipient or a 5xx answer is a failure like a robot's errcode.
 */
export async function emailTransport(c: NotifyChannelConfig, timeoutMs: number): Promise<Transport> {
  const nodemailer = await import('nodemailer');
  const smtp = c.smtp!;
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port ?? (smtp.secure ? 465 : 25),
    secure: smtp.secure ?? false,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // An intranet relay often has a self-signed certificate; STARTTLS is still tried.
    tls: { rejectUnauthorized: false },
  });
  return {
    kind: 'email',
    maxBytes: 1024 * 1024,
    render: toText,
    async send(m) {
      try {
        const info = await transporter.sendMail({ from: c.from!, to: c.to!, subject: m.title, text: toText(m) });
        if (info.rejected.length > 0) throw new DeliveryError(`rejected recipients: ${info.rejected.length}`, false);
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        const e = err as { responseCode?: number; code?: string; message: string };
        throw new DeliveryError(
          `${e.code ?? 'SMTP'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message.slice(0, 200)}`,
          !(e.responseCode && e.responseCode >= 500 && e.responseCode < 600),
        );
      }
    },
    close: async () => transporter.close(),
  };
}
