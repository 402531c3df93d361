import { createTransport } from 'nodemailer'
import type { Logger } from 'pino'

/** One email: plain text and its HTML twin (already escaped by the caller). */
export interface Mail {
  to: string
  subject: string
  text: string
  html: string
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; without it nothing is sent. */
  smtpUrl?: string
  /** The sender, e.g. `Acme support <support@acme.test>`. */
  from?: string
}

/** Sends email over SMTP (nodemailer); off when no SMTP URL is configured. */
export class Mailer {
  private transport: ReturnType<typeof createTransport> | null
  private from: string

  constructor(opts: MailerOptions, private log: Logger) {
    this.transport = opts.smtpUrl ? createTransport(opts.smtpUrl) : null
    this.from = opts.from || 'Parley <no-reply@localhost>'
    // Said once, at start: an operator wondering why no email goes out finds the reason in the log.
    if (!this.transport) log.info('SMTP_URL is not set: email notifications to visitors are off')
  }

  get enabled(): boolean {
    return this.transport !== null
  }

  /** Sends one email; rejects when the SMTP server refuses it. */
  async send(mail: Mail): Promise<void> {
    if (!this.transport) return
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html })
  }

  close(): void {
    this.transport?.close()
  }
}
