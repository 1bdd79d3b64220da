// Fake desk IP phones on 127.0.0.1: each phone is its own HTTP server (own port, so its address is
// `127.0.0.1:<port>` and the paths are the vendors' real ones), answering like the real web server:
//   cisco   POST /CGI/Execute       HTTP Basic; form field XML = CiscoIPPhoneExecute; the phone then
//                                   GETs each ExecuteItem URL and records the CiscoIPPhoneText it got;
//                                   answers CiscoIPPhoneResponse or CiscoIPPhoneError Number=1..4
//   yealink POST /servlet?push=xml  only from allowed push servers (push_xml.server, else 403);
//                                   Digest challenge for the web user; body `xml=` + TextScreen
//   poly    POST /push              Digest challenge (apps.push.username/password, MD5 or SHA-256,
//                                   qop=auth); Content-Type application/x-com-polycom-spipx; ≤ 2 KB
// Every page shown is in `pages` (vendor, phone, title, text, soft keys, priority, raw body) and
// every request in `requests`. Faults per phone: an HTTP status, hang, busy, a Cisco error number.
//
//   const phones = await startFakeIpPhones()
//   const desk = await phones.addPhone({ vendor: 'poly', username: 'Push', password: 'secret' })
//   desk.address // '127.0.0.1:40123'   desk.received / phones.pages
import crypto from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { verifyDigest } from '#notify/channels/phones/http-digest.ts'
import { child, readXml, type XmlElement } from '#notify/channels/phones/read-xml.ts'

export type FakePhoneVendor = 'cisco' | 'yealink' | 'poly'

export type SoftKey = { label: string; url: string; position: number }

export type ReceivedPage = {
  phoneId: string
  vendor: FakePhoneVendor
  address: string
  title: string
  text: string
  softKeys: SoftKey[]
  /** the soft key that does not exit (the acknowledgement), or the Poly page's link */
  ackUrl?: string
  /** cisco: ExecuteItem Priority (0, 1, 2); yealink: Timeout; poly: Data priority */
  priority: string
  /** false when the phone took the push but its settings hide it (Poly apps.push.messageType) */
  displayed: boolean
  /** the pushed request's body as received */
  rawBody: string
  /** cisco: the document fetched from the ExecuteItem URL */
  fetched?: { url: string; status: number; contentType: string; body: string }
  /** what a real phone would have trouble with (over-long fields, missing encoding declaration) */
  problems: string[]
}

export type RecordedRequest = {
  phoneId: string
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
  remoteAddress: string
  /** what the fake answered */
  status: number
}

export type PhoneFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** never answer */
  | { kind: 'hang' }
  /** cisco: ResponseItem Status 1 (item not executed); yealink, poly: 503 with Retry-After 5 */
  | { kind: 'busy' }
  | { kind: 'cisco-error'; number: number }

export type FakePhoneOptions = {
  vendor: FakePhoneVendor
  username?: string
  password?: string
  /** poly, yealink: the digest algorithm of the challenge (default MD5) */
  digestAlgorithm?: 'MD5' | 'SHA-256'
  /** yealink: push_xml.server (default 127.0.0.1) */
  allowedPushServers?: string[]
  /** yealink: 'digest' (default) or 'none' (old firmware: only the address is checked) */
  yealinkAuth?: 'digest' | 'none'
  /** poly: apps.push.messageType (0 none, 1 Normal, 2 Important, 3 High, 4 Critical, 5 all); default 5 */
  polyMessageType?: number
}

export type FakePhone = {
  id: string
  vendor: FakePhoneVendor
  address: string
  username: string
  password: string
  received: ReceivedPage[]
  /** the next `times` accepted requests get the fault (Infinity: always) */
  fault(fault: PhoneFault, times?: number): void
  close(): Promise<void>
}

export type FakeIpPhones = {
  addPhone(options: FakePhoneOptions): Promise<FakePhone>
  phones: FakePhone[]
  pages: ReceivedPage[]
  requests: RecordedRequest[]
  close(): Promise<void>
}

const REALMS: Record<FakePhoneVendor, string> = { cisco: 'Cisco', yealink: 'Yealink', poly: 'PolycomSPIP' }
const CISCO_TITLE_CHARS = 32
const CISCO_TEXT_BYTES = 4000
const POLY_MAX_BODY = 2048
const POLY_PRIORITY_LEVEL: Record<string, number> = { normal: 1, important: 2, high: 3, critical: 4 }

export async function startFakeIpPhones(): Promise<FakeIpPhones> {
  const fleet: FakeIpPhones = {
    phones: [],
    pages: [],
    requests: [],
    async addPhone(options) {
      const phone = await startPhone(options, fleet)
      fleet.phones.push(phone)
      return phone
    },
    async close() {
      await Promise.all(fleet.phones.map((p) => p.close()))
    },
  }
  return fleet
}

async function startPhone(options: FakePhoneOptions, fleet: FakeIpPhones): Promise<FakePhone> {
  const id = crypto.randomUUID()
  const username = options.username ?? 'sargs'
  const password = options.password ?? 'secret'
  const nonces = new Set<string>()
  const hanging = new Set<ServerResponse>()
  let planned: { fault: PhoneFault; left: number } | undefined
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const phone: FakePhone = {
    id,
    vendor: options.vendor,
    address: `127.0.0.1:${port}`,
    username,
    password,
    received: [],
    fault(fault, times = Infinity) {
      planned = { fault, left: times }
    },
    async close() {
      for (const response of hanging) response.socket?.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const record: RecordedRequest = {
        phoneId: id,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: { ...request.headers },
        body,
        remoteAddress: request.socket.remoteAddress ?? '',
        status: 0,
      }
      fleet.requests.push(record)
      const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
        record.status = status
        response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers })
        response.end(text)
      }
      handle(request, body, answer, response).catch((error: Error) => answer(500, `fake phone: ${error.message}`))
    })
  })

  /** the planned fault for an accepted request, if any (counted down) */
  function takeFault(): PhoneFault | undefined {
    if (!planned || planned.left <= 0) return undefined
    planned.left -= 1
    return planned.fault
  }

  type Answer = (status: number, text: string, headers?: Record<string, string>) => void

  async function handle(request: IncomingMessage, body: Buffer, answer: Answer, response: ServerResponse): Promise<void> {
    const path = request.url ?? ''
    if (options.vendor === 'cisco') {
      if (request.method !== 'POST' || path !== '/CGI/Execute') return answer(404, 'Not Found')
      if (request.headers.authorization !== basic(username, password)) return ciscoXml(answer, '<CiscoIPPhoneError Number="4"/>')
      if (applyFault(answer, response)) return
      return cisco(request, body, answer)
    }
    if (options.vendor === 'yealink') {
      if (request.method !== 'POST' || path !== '/servlet?push=xml') return answer(404, 'Not Found')
      const from = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
      if (!(options.allowedPushServers ?? ['127.0.0.1']).includes(from)) return answer(403, 'Forbidden: not the push XML server')
      if ((options.yealinkAuth ?? 'digest') === 'digest' && !authorised(request, answer)) return
      if (applyFault(answer, response)) return
      return yealink(body, answer)
    }
    if (request.method !== 'POST' || path !== '/push') return answer(404, 'Not Found')
    if (!authorised(request, answer)) return
    if (applyFault(answer, response)) return
    return poly(request, body, answer)
  }

  function applyFault(answer: Answer, response: ServerResponse): boolean {
    const fault = takeFault()
    if (!fault) return false
    if (fault.kind === 'hang') {
      hanging.add(response)
      return true
    }
    if (fault.kind === 'status') {
      answer(fault.status, fault.body ?? `fault ${fault.status}`, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {})
      return true
    }
    if (fault.kind === 'cisco-error') {
      ciscoXml(answer, `<CiscoIPPhoneError Number="${fault.number}"/>`)
      return true
    }
    // busy
    if (options.vendor === 'cisco') {
      ciscoXml(answer, '<CiscoIPPhoneResponse><ResponseItem URL="" Data="Busy" Status="1"/></CiscoIPPhoneResponse>')
    } else {
      answer(503, 'Busy', { 'Retry-After': '5' })
    }
    return true
  }

  function authorised(request: IncomingMessage, answer: Answer): boolean {
    const realm = REALMS[options.vendor]
    const checked = verifyDigest(request.headers.authorization, {
      username,
      password,
      method: request.method ?? '',
      realm,
      nonceIssued: (nonce) => nonces.has(nonce),
    })
    if (checked.ok) {
      if (checked.params.uri !== request.url) {
        answer(400, 'digest uri does not match the request')
        return false
      }
      return true
    }
    const nonce = crypto.randomBytes(16).toString('base64url')
    nonces.add(nonce)
    const algorithm = options.digestAlgorithm ?? 'MD5'
    answer(401, 'Unauthorized', {
      'WWW-Authenticate': `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="${id}"`,
    })
    return false
  }

  async function cisco(request: IncomingMessage, body: Buffer, answer: Answer): Promise<void> {
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return ciscoXml(answer, '<CiscoIPPhoneError Number="1"/>')
    }
    const xml = new URLSearchParams(body.toString('utf8')).get('XML')
    let execute: XmlElement
    try {
      execute = readXml(xml ?? '')
    } catch {
      return ciscoXml(answer, '<CiscoIPPhoneError Number="1"/>')
    }
    const items = execute.children.filter((c) => c.name === 'ExecuteItem')
    const valid =
      execute.name === 'CiscoIPPhoneExecute' &&
      items.length >= 1 &&
      items.length <= 3 &&
      items.every((i) => (i.attributes.URL ?? '').length > 0 && i.attributes.URL.length <= 256 && /^[012]?$/.test(i.attributes.Priority ?? ''))
    if (!valid) return ciscoXml(answer, '<CiscoIPPhoneError Number="1"/>')

    const results: string[] = []
    for (const item of items) {
      const url = item.attributes.URL
      if (!/^https?:\/\//.test(url)) {
        results.push(responseItem(url, 'Success', 0))
        continue
      }
      const fetched = await fetchAsPhone(url)
      if (!fetched || fetched.status !== 200) {
        results.push(responseItem(url, 'Fetch failed', 1))
        continue
      }
      const page = readCiscoText(fetched, item.attributes.Priority ?? '0', xml ?? '')
      if (!page) {
        results.push(responseItem(url, 'Parse error', 1))
        continue
      }
      record(page)
      results.push(responseItem(url, 'Success', 0))
    }
    ciscoXml(answer, `<CiscoIPPhoneResponse>${results.join('')}</CiscoIPPhoneResponse>`)
  }

  function readCiscoText(fetched: NonNullable<ReceivedPage['fetched']>, priority: string, rawBody: string): ReceivedPage | undefined {
    let root: XmlElement
    try {
      root = readXml(fetched.body)
    } catch {
      return undefined
    }
    if (root.name !== 'CiscoIPPhoneText') return undefined
    const problems: string[] = []
    if (!/^<\?xml[^>]*encoding="utf-8"/i.test(fetched.body)) problems.push('no encoding="utf-8" in the XML declaration')
    if (!fetched.contentType.startsWith('text/xml')) problems.push(`Content-Type ${fetched.contentType}`)
    const title = child(root, 'Title')?.text ?? ''
    const text = child(root, 'Text')?.text ?? ''
    if ([...title].length > CISCO_TITLE_CHARS) problems.push(`Title over ${CISCO_TITLE_CHARS} characters`)
    if (Buffer.byteLength(text) > CISCO_TEXT_BYTES) problems.push(`Text over ${CISCO_TEXT_BYTES} bytes`)
    const softKeys = root.children
      .filter((c) => c.name === 'SoftKeyItem')
      .map((k) => ({ label: child(k, 'Name')?.text ?? '', url: child(k, 'URL')?.text ?? '', position: Number(child(k, 'Position')?.text ?? 0) }))
    const ack = softKeys.find((k) => !k.url.startsWith('SoftKey:'))
    return { ...base(), title, text, softKeys, ...(ack ? { ackUrl: ack.url } : {}), priority, displayed: true, rawBody, fetched, problems }
  }

  function yealink(body: Buffer, answer: Answer): void {
    const raw = body.toString('utf8')
    if (!raw.startsWith('xml=')) return answer(400, 'expected xml=')
    let root: XmlElement
    try {
      root = readXml(raw.slice(4))
    } catch (error) {
      return answer(400, `bad XML: ${(error as Error).message}`)
    }
    if (root.name !== 'YealinkIPPhoneTextScreen') return answer(400, `unsupported object ${root.name}`)
    const softKeys = root.children
      .filter((c) => c.name === 'SoftKey')
      .map((k) => ({ label: child(k, 'Label')?.text ?? '', url: child(k, 'URI')?.text ?? '', position: Number(k.attributes.index ?? 0) }))
    const ack = softKeys.find((k) => !k.url.startsWith('SoftKey:'))
    const problems = /^<\?xml[^>]*encoding="UTF-8"/i.test(raw.slice(4)) ? [] : ['no encoding="UTF-8" in the XML declaration']
    record({
      ...base(),
      title: child(root, 'Title')?.text ?? '',
      text: child(root, 'Text')?.text ?? '',
      softKeys,
      ...(ack ? { ackUrl: ack.url } : {}),
      priority: root.attributes.Timeout ?? '',
      displayed: true,
      rawBody: raw,
      problems,
    })
    answer(200, '')
  }

  function poly(request: IncomingMessage, body: Buffer, answer: Answer): void {
    if (request.headers['content-type'] !== 'application/x-com-polycom-spipx') return answer(415, 'Unsupported Media Type')
    if (body.length > POLY_MAX_BODY) return answer(413, 'push content over 2 KB')
    const raw = body.toString('utf8')
    let root: XmlElement
    try {
      root = readXml(raw, { breaks: true })
    } catch (error) {
      return answer(400, `bad XML: ${(error as Error).message}`)
    }
    const data = root.name === 'PolycomIPPhone' ? child(root, 'Data') : undefined
    if (!data) return answer(400, 'expected <PolycomIPPhone><Data>')
    const priority = data.attributes.priority ?? 'Normal'
    const level = POLY_PRIORITY_LEVEL[priority.toLowerCase()]
    if (!level) return answer(400, `bad priority ${priority}`)
    const messageType = options.polyMessageType ?? 5
    const paragraphs = data.children.filter((c) => c.name === 'p')
    const link = paragraphs.flatMap((p) => p.children).find((c) => c.name === 'a')
    const textParagraph = paragraphs.find((p) => !p.children.some((c) => c.name === 'a'))
    record({
      ...base(),
      title: child(data, 'h1')?.text ?? '',
      text: textParagraph?.text ?? '',
      softKeys: link ? [{ label: link.text, url: link.attributes.href ?? '', position: 1 }] : [],
      ...(link ? { ackUrl: link.attributes.href } : {}),
      priority,
      displayed: messageType === 5 || messageType === level,
      rawBody: raw,
      problems: [],
    })
    answer(200, '')
  }

  function base() {
    return { phoneId: id, vendor: options.vendor, address: phone.address }
  }

  function record(page: ReceivedPage): void {
    phone.received.push(page)
    fleet.pages.push(page)
  }

  return phone
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

function ciscoXml(answer: (status: number, text: string, headers?: Record<string, string>) => void, xml: string): void {
  answer(200, `<?xml version="1.0" encoding="utf-8"?>\n${xml}`, { 'Content-Type': 'text/xml' })
}

function responseItem(url: string, data: string, status: number): string {
  return `<ResponseItem URL="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}" Data="${data}" Status="${status}"/>`
}

/** GET as a Cisco phone does: Accept-Charset utf-8, 5 s */
function fetchAsPhone(url: string): Promise<{ url: string; status: number; contentType: string; body: string } | undefined> {
  return new Promise((resolve) => {
    const request = http.get(url, { headers: { 'Accept-Charset': 'utf-8', 'Accept-Language': 'lv-LV', 'x-CiscoIPPhoneModelName': 'CP-8841' }, timeout: 5000 }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ url, status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      )
      response.on('error', () => resolve(undefined))
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(undefined))
  })
}
