// Small helpers for tests that talk real HTTP to a server on 127.0.0.1 (no mocks).
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'

export type Listening = { port: number; url: string; close: () => Promise<void> }

/** Listen on a free port on 127.0.0.1 with any request handler (an express app, for instance). */
export async function listen(handler: http.RequestListener | http.Server): Promise<Listening> {
  const server = handler instanceof http.Server ? handler : http.createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

export type RawResponse = {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/**
 * One HTTP request with full control over the headers, including Host, Origin and Sec-Fetch-*
 * (which fetch() may normalise). Never follows redirects.
 */
export function rawRequest(options: {
  port: number
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: {
          ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

/** A free TCP port on 127.0.0.1 (bound and released; fine for a child process started right after). */
export async function freePort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Whether something accepts TCP connections at `url`'s host and port (e.g. the Mosquitto at mqtt://127.0.0.1:1883). */
export async function reachable(url: string, defaultPort = 1883): Promise<boolean> {
  const u = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) })
    socket.setTimeout(2000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}
