// Credentials of the channels an administrator configures (social accounts; later phones and
// devices) are kept sealed: AES-256-GCM with a 32-byte key the database never holds (SECRETS_KEY,
// or on the embedded default a key file in the data directory, made on first start: server/
// secrets-key.ts). Each sealed value is bound to its row (the row id as associated data), so a
// sealed secret copied onto another row does not open. Layout: version 1 byte | iv 12 | tag 16 | data.
import crypto from 'node:crypto'
import { AppError } from '#domain/errors.ts'

const VERSION = 1

export function sealSecret(key: Buffer, rowId: string, value: Record<string, string>): Buffer {
  if (key.length !== 32) throw new Error('sealSecret: the key must be 32 bytes')
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(rowId, 'utf8'))
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), data])
}

export function openSecret(key: Buffer, rowId: string, sealed: Uint8Array): Record<string, string> {
  const buf = Buffer.from(sealed)
  if (buf.length < 29 || buf[0] !== VERSION) throw new AppError('UNAVAILABLE', 'a sealed secret is damaged')
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(1, 13))
    decipher.setAAD(Buffer.from(rowId, 'utf8'))
    decipher.setAuthTag(buf.subarray(13, 29))
    const text = Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]).toString('utf8')
    return JSON.parse(text) as Record<string, string>
  } catch (error) {
    throw new AppError('UNAVAILABLE', 'a sealed secret does not open with this key (SECRETS_KEY changed?)', { cause: error })
  }
}

/** "…abcd": the last four characters, to recognise a credential without showing it. */
export function secretHint(value: string): string {
  return value.length <= 8 ? '…' : `…${value.slice(-4)}`
}
