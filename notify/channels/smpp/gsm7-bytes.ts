// The bytes of an SMS part as SMPP carries them. Which alphabet a text needs and where it is split
// is decided by the shared splitter (notify/channels/sms/encoding.ts); this file only turns a part
// into octets:
// - data_coding 0, GSM 03.38 default alphabet: one septet per octet (unpacked; the SMSC packs
//   septets for the air interface, which is what node-smpp and SMSCs expect on SMPP), an extension
//   character as ESC (0x1B) + its code;
// - data_coding 8, UCS-2: UTF-16 big-endian code units.

/** GSM 03.38 default alphabet, index = septet value (0x1B is the escape to the extension table). */
export const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

/** GSM 03.38 extension table: character → septet after ESC. */
export const GSM7_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f],
  ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65],
])

const BASIC = new Map([...GSM7_BASIC].map((char, index) => [char, index] as const).filter(([char]) => char !== '\x1b'))

/** GSM-7 unpacked; throws on a character outside the alphabet (the splitter said UCS-2 then). */
export function encodeGsm7Unpacked(text: string): Buffer {
  const bytes: number[] = []
  for (const char of text) {
    const basic = BASIC.get(char)
    if (basic !== undefined) bytes.push(basic)
    else {
      const extension = GSM7_EXTENSION.get(char)
      if (extension === undefined) throw new Error(`not in the GSM 7-bit alphabet: U+${char.codePointAt(0)!.toString(16)}`)
      bytes.push(0x1b, extension)
    }
  }
  return Buffer.from(bytes)
}

/** UCS-2 as SMPP carries it with data_coding 8: UTF-16 big-endian code units. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16()
}
