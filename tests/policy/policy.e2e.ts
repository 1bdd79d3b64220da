// The policy walk: every route of the app (from the Remix route manifest of the production
// build: GET for its loader, POST for its action, each action intent separately) and every
// socket event, as every role and as nobody, against the real app over HTTP. Each answer is
// compared with what the ONE policy table (domain/auth/policy.ts) says through the explicit
// route → permission table below; public routes are listed as such.
//
// Outcomes: "allow" (2xx, a validation 4xx such as 400/404/409/422, or a redirect anywhere but
// the sign-in page), "forbidden" (403), "sign-in" (a redirect to /login, or 401). A 5xx is
// always a failure. Sessions are made directly in the database (a fresh one per request, since
// some actions sign out); each POST that changes an incident or a user gets a fresh one.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveAlertDraft } from '#domain/alerts/save-alert-draft.ts'
import { userActor } from '#domain/auth/actor.ts'
import { can, roles, type Permission } from '#domain/auth/policy.ts'
import { createIncident } from '#domain/incidents/create-incident.ts'
import { createTask } from '#domain/incidents/create-task.ts'
import { roomPolicy } from '#domain/realtime/rooms.ts'
import type { PrismaClient } from '#generated/prisma/client.ts'
import type { Role } from '#generated/prisma/enums.ts'
import { issueAlert } from '#notify/ledger/issue-alert.ts'
import { socketEventPolicy } from '#server/realtime/socket-events.ts'
import { repoRoot, startApp, type RunningApp } from '#tests/support/app.ts'
import { createSignedInUser, newSession, type TestSession } from '#tests/support/sessions.ts'

/**
 * Who may: anybody, any signed-in user (second factor verified), a permission of the table, or
 * only a machine API token ('token': no session of any role is enough — the walk, which sends
 * cookies and never a bearer token, must get 401 for every role and for nobody).
 */
type Access = 'public' | 'signed-in' | 'token' | Permission

type RouteRule =
  /** a pathless layout: its loader runs for, and is checked through, its child routes */
  | { layout: Access }
  | { get?: Access; post?: Access | { intents: Record<string, Access> } }

/**
 * Every route of the app. A route that is not here (or here but gone) fails the test: add it
 * with the permission its loader and action must require.
 */
const routeTable: Record<string, RouteRule> = {
  root: { layout: 'public' },
  'routes/_auth': { layout: 'public' },
  'routes/_app': { layout: 'signed-in' },

  // public: first run, sign-in, language, sign-out
  'routes/_auth.setup': { get: 'public', post: 'public' },
  'routes/_auth.login': { get: 'public', post: 'public' },
  'routes/_auth.two-factor': { get: 'public', post: 'public' },
  'routes/_auth.enrol': { get: 'public', post: 'public' },
  'routes/language': { get: 'public', post: 'public' },
  'routes/logout': { get: 'public', post: 'public' },

  // residents (no account): active alerts, one alert, subscribe, the 72-hour kit (static: no
  // loader), and the push subscription API
  'routes/_public': { layout: 'public' },
  'routes/_public.public': { get: 'public' },
  'routes/_public.alerts.$identifier': { get: 'public' },
  // subscribe: its action takes the SMS steps (the number, the code; 409 when SMS is not configured)
  'routes/_public.subscribe': { get: 'public', post: { intents: { 'sms-code': 'public', 'sms-confirm': 'public', 'sms-restart': 'public' } } },
  // the unsubscribe link of an SMS subscription: GET only explains, the button POSTs (unknown token: 404)
  'routes/_public.sms.stop.$token': { get: 'public', post: 'public' },
  'routes/_public.prepare': {},
  'routes/api.push.subscriptions': { post: 'public' },
  'routes/api.push.vapid-public-key': { get: 'public' },
  // SMS for residents: ask for a code, confirm it (JSON, public, rate-limited); the SMS gateway's
  // signed receipts and replies (no session: the signature decides; 404 where SMS is not set up)
  'routes/api.sms.subscriptions': { post: 'public' },
  'routes/api.sms.subscriptions.confirm': { post: 'public' },
  'routes/api.sms.receipts': { get: 'public', post: 'public' },
  'routes/api.sms.inbound': { get: 'public', post: 'public' },
  // desk IP phones (no session: the signed token decides; unknown token: 404)
  'routes/phone.page.$token': { get: 'public' },
  'routes/phone.ack.$token': { get: 'public', post: 'public' },

  // public read-only feeds (GET; any other method answers 405) and the active alerts as GeoJSON
  'routes/feeds.alerts[.]atom': { get: 'public', post: 'public' },
  'routes/feeds.cap[.]atom': { get: 'public', post: 'public' },
  'routes/feeds.cap.$file': { get: 'public', post: 'public' },
  'routes/api.alerts.active': { get: 'public', post: 'public' },
  // CAP in: a machine API authorised by a bearer token alone (sargs token create). GET is 405 for
  // anybody; a POST with a session cookie — of any role — and no token is 401, which the 'token'
  // rule expects (and the Origin check does not exempt it: it carries a cookie). The token paths
  // themselves are tested in app/routes/api.cap.test.ts and server/http/origin.test.ts.
  'routes/api.cap': { get: 'public', post: 'token' },

  // the commission's work
  'routes/_app._index': { get: 'read:incident:any', post: 'create:incident:any' },
  'routes/_app.incidents._index': { get: 'read:incident:any' },
  'routes/_app.incidents.$id': {
    get: 'read:incident:any',
    post: {
      intents: {
        log: 'create:log-entry:any',
        'task-create': 'create:task:any',
        'task-update': 'update:task:any',
        close: 'close:incident:any',
        reopen: 'close:incident:any',
      },
    },
  },
  'routes/_app.incidents.$id_.edit': { get: 'update:incident:any', post: 'update:incident:any' },

  // material reserves (decision 010): overview, stock per warehouse (receipts, write-offs and
  // transfers need manage), stock card, CSV (report, or an item's card), issue, needs calculator
  'routes/_app.reserves._index': { get: 'read:reserves:any' },
  'routes/_app.reserves.stock': {
    get: 'read:reserves:any',
    post: { intents: { receive: 'manage:reserves:any', 'write-off': 'manage:reserves:any', transfer: 'manage:reserves:any' } },
  },
  'routes/_app.reserves.card': { get: 'read:reserves:any' },
  'routes/_app.reserves.export[.csv]': { get: 'read:reserves:any' },
  'routes/_app.reserves.issue': { get: 'issue:reserves:any', post: 'issue:reserves:any' },
  'routes/_app.reserves.needs': { get: 'read:reserves:any' },

  // shelters (decision 012): the registry (its action: the household-records switch), a new
  // shelter, one shelter (each intent), edit, CSV export and import; residents (no account): the
  // finder, the QR check-in page, the public GeoJSON (GET; other methods 405)
  'routes/_app.shelters._index': { get: 'read:shelter:any', post: 'manage:settings:any' },
  'routes/_app.shelters.new': { get: 'manage:shelter:any', post: 'manage:shelter:any' },
  'routes/_app.shelters.$id': {
    get: 'read:shelter:any',
    post: {
      intents: {
        status: 'operate:shelter:any',
        occupancy: 'operate:shelter:any',
        'erase-household': 'operate:shelter:any',
        inspection: 'manage:shelter:any',
        'defect-task': 'manage:shelter:any',
        'rotate-qr': 'manage:shelter:any',
      },
    },
  },
  'routes/_app.shelters.$id_.edit': { get: 'manage:shelter:any', post: 'manage:shelter:any' },
  'routes/_app.shelters.export[.csv]': { get: 'read:shelter:any' },
  'routes/_app.shelters.import': { get: 'manage:shelter:any', post: 'manage:shelter:any' },
  'routes/_public.find-shelter': { get: 'public' },
  'routes/_public.shelter-check-in.$token': { get: 'public', post: 'public' },
  'routes/api.shelters': { get: 'public', post: 'public' },

  // the signed-in user's own account
  'routes/_app.account': { get: 'signed-in', post: 'signed-in' },

  // administration
  'routes/_app.admin.users._index': { get: 'manage:user:any' },
  'routes/_app.admin.users.new': { get: 'manage:user:any', post: 'manage:user:any' },
  'routes/_app.admin.users.$userId': { get: 'manage:user:any', post: 'manage:user:any' },
  'routes/_app.audit': { get: 'read:audit:any' },
  'routes/_app.admin.settings': { get: 'manage:settings:any', post: 'manage:settings:any' },
  // staff groups (members reached by SMS) and the municipality's social accounts (issue 4)
  'routes/_app.admin.staff-groups': { get: 'manage:user:any', post: 'manage:user:any' },
  'routes/_app.admin.social': { get: 'manage:settings:any', post: 'manage:settings:any' },
  // paging groups and desk phones (issue 4, decision 021)
  'routes/_app.admin.paging': { get: 'manage:settings:any', post: 'manage:settings:any' },
  // MQTT device groups and devices (issue 4, decision 022)
  'routes/_app.admin.devices': { get: 'manage:settings:any', post: 'manage:settings:any' },

  // what staff see after Issue: the alerts list, one alert's live progress and report, the
  // report as CSV, the dead letters (socket: the alert:<id> room needs read:alert:any too)
  'routes/_app.alerts._index': { get: 'read:alert:any' },
  'routes/_app.alerts.$id.progress': { get: 'read:alert:any' },
  'routes/_app.alerts.$id.report[.csv]': { get: 'read:alert:any' },
  'routes/_app.alerts.dead-letters': { get: 'read:alert:any' },

  // composing and issuing alerts (every role that composes has create:alert:exercise; the domain
  // refuses a status other than Exercise without create:alert:any)
  'routes/_app.alerts.new': { get: 'create:alert:exercise', post: 'create:alert:exercise' },
  'routes/_app.alerts.drafts.$id': {
    get: 'create:alert:exercise',
    post: {
      intents: {
        save: 'create:alert:exercise',
        submit: 'create:alert:exercise',
        issue: 'create:alert:exercise',
        discard: 'create:alert:exercise',
        approve: 'approve:alert:any',
        reject: 'approve:alert:any',
      },
    },
  },
}

/** Outside Remix: express routes. */
const serverRoutes: { path: string; get: Access }[] = [{ path: '/healthz', get: 'public' }]

/** Every socket event a client may send → the permission it needs (and the room it joins). */
const socketTable: Record<string, Permission> = {
  subscribe: 'read:incident:any',
  unsubscribe: 'read:incident:any',
}

type Principal = Role | 'nobody'
const principals: Principal[] = [...roles, 'nobody']
type Outcome = 'allow' | 'forbidden' | 'sign-in'

function expected(access: Access, who: Principal): Outcome | 'any' {
  if (access === 'public') return 'any'
  if (access === 'token') return 'sign-in'
  if (who === 'nobody') return 'sign-in'
  if (access === 'signed-in') return 'allow'
  return can(who, access) ? 'allow' : 'forbidden'
}

function classify(res: Response): Outcome | `error ${number}` {
  if (res.status >= 500) return `error ${res.status}`
  if (res.status === 401) return 'sign-in'
  if (res.status === 403) return 'forbidden'
  if (res.status >= 300 && res.status < 400) {
    const location = new URL(res.headers.get('location') ?? '/', 'http://x')
    return location.pathname === '/login' ? 'sign-in' : 'allow'
  }
  return 'allow'
}

let app: RunningApp
let prisma: PrismaClient
let build: ServerBuild
const users = new Map<Role, TestSession>()
let territoryId = ''
let seededArea: unknown

beforeAll(async () => {
  app = await startApp()
  console.log(`app ready in ${app.startupMs} ms`)
  prisma = (await app.database()).prisma
  build = (await import(pathToFileURL(path.join(repoRoot, 'build/server/index.js')).href)) as ServerBuild
  for (const role of roles) users.set(role, await createSignedInUser(prisma, role))
  // a seeded incident drawn as a polygon: its area is a valid one for fresh incidents
  const seeded = (await prisma.incident.findMany({ orderBy: { createdAt: 'asc' } })).find((i) => i.areaCircle === null && i.area)
  if (!seeded) throw new Error('the demo seed has no polygon incident')
  territoryId = seeded.territoryId
  seededArea = seeded.area
})

afterAll(async () => {
  await app?.stop()
})

/** A fresh open incident (with one task) for a request that may change it. */
async function freshIncident(): Promise<{ id: string; taskId: string }> {
  const admin = users.get('ADMINISTRATOR')!.user
  const actor = userActor(admin)
  const incident = await createIncident({
    prisma,
    actor,
    realtime: null,
    input: { title: 'Policy walk', type: 'OTHER', severity: 'MINOR', area: seededArea },
  })
  const task = await createTask({ prisma, actor, realtime: null, incidentId: incident.id, input: { title: 'Policy walk task' } })
  return { id: incident.id, taskId: task.id }
}

/** A fresh exercise alert draft (every composing role may see it) for a request that may change it. */
async function freshAlertDraft(): Promise<string> {
  const area = seededArea as { coordinates: [number, number][][] }
  const { id } = await saveAlertDraft({
    prisma,
    actor: userActor(users.get('ADMINISTRATOR')!.user),
    values: {
      status: 'Exercise', msgType: 'Alert', category: 'Safety', urgency: 'Expected', severity: 'Minor', certainty: 'Likely',
      'lv.event': 'Politikas pārbaude', 'lv.headline': 'Politikas pārbaude', 'lv.description': 'Pārbaude',
      area: JSON.stringify({ type: 'Polygon', coordinates: area.coordinates }), areaLabel: 'Pārbaude',
    },
  })
  return id
}

/** An issued (Exercise) alert for the read-only alert pages: one is enough. */
let policyAlertId: string | undefined
async function issuedAlert(): Promise<string> {
  if (policyAlertId) return policyAlertId
  const identifier = `policy-walk-${randomUUID()}`
  const issued = await issueAlert(prisma, {
    identifier, status: 'Exercise', msgType: 'Alert', territoryId, severity: 'Minor', area: seededArea, idempotencyKey: identifier,
    payload: { identifier, sender: 'policy@walk', sent: '2026-11-22T10:00:00+02:00', status: 'Exercise', msgType: 'Alert', scope: 'Public', code: [], references: [],
      info: [{ language: 'lv-LV', category: ['Safety'], event: 'Pārbaude', responseType: [], urgency: 'Expected', severity: 'Minor', certainty: 'Likely', eventCode: [], parameter: [], resource: [], area: [{ areaDesc: 'Pārbaude', polygon: [], circle: [], geocode: [] }] }] },
  })
  policyAlertId = issued.id
  return issued.id
}

/** A fresh staff account to be the subject of an administration request. */
async function freshUser(): Promise<string> {
  return (await createSignedInUser(prisma, 'TRAINER')).user.id
}

function fullPath(routeId: string): string {
  const segments: string[] = []
  for (let id: string | undefined = routeId; id; id = build.routes[id]?.parentId) {
    const p = build.routes[id]?.path
    if (p) segments.unshift(p)
  }
  return '/' + segments.join('/')
}

async function fillParams(pattern: string): Promise<{ path: string; taskId?: string }> {
  let taskId: string | undefined
  let result = pattern
  for (const param of pattern.match(/:[A-Za-z]+/g) ?? []) {
    if (param === ':id' && pattern.startsWith('/alerts/drafts/')) {
      result = result.replace(param, await freshAlertDraft())
    } else if (param === ':id' && pattern.startsWith('/shelters/')) {
      // a demo shelter (the walk's requests leave it valid: refusals, or a new QR token)
      result = result.replace(param, (await prisma.shelter.findFirstOrThrow({ orderBy: { code: 'asc' } })).id)
    } else if (param === ':token') {
      // a QR check-in page: an unknown token answers 404 (anybody may ask)
      result = result.replace(param, 'policy-walk-no-such-token')
    } else if (param === ':id' && pattern.startsWith('/alerts/:id/')) {
      result = result.replace(param, await issuedAlert())
    } else if (param === ':id') {
      const incident = await freshIncident()
      taskId = incident.taskId
      result = result.replace(param, incident.id)
    } else if (param === ':userId') {
      result = result.replace(param, await freshUser())
    } else if (param === ':file') {
      // a CAP document of the feed: an unknown identifier answers 404 (anybody may ask)
      result = result.replace(param, 'policy-walk-no-such-alert.xml')
    } else if (param === ':identifier') {
      // a public alert page: an unknown identifier answers 404 (anybody may ask)
      result = result.replace(param, 'policy-walk-no-such-alert')
    } else {
      throw new Error(`no fixture for the route parameter ${param} in ${pattern}: add one to the policy test`)
    }
  }
  return { path: result, taskId }
}

async function cookieFor(who: Principal): Promise<Record<string, string>> {
  if (who === 'nobody') return {}
  return { cookie: (await newSession(prisma, users.get(who)!.user.id)).cookie }
}

type Row = { check: string; who: Principal; expected: Outcome | 'any'; got: string }

describe('the policy table, walked over HTTP and socket.io', () => {
  it('the route table lists exactly the routes of the app', () => {
    const inBuild = Object.keys(build.routes).sort()
    expect(Object.keys(routeTable).sort()).toEqual(inBuild)
    // and the build is of these sources: every route file is in it
    const files = fs
      .readdirSync(path.join(repoRoot, 'app/routes'))
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .map((f) => `routes/${f.replace(/\.tsx?$/, '')}`)
    for (const id of files) expect(inBuild, `${id} is not in the build (stale build?)`).toContain(id)
    // loaders and actions are where the table says
    for (const [id, rule] of Object.entries(routeTable)) {
      const module = build.routes[id].module
      if ('layout' in rule) {
        expect(module.action, `${id}: a layout with an action`).toBeUndefined()
        continue
      }
      expect(typeof module.loader === 'function', `${id}: loader ${rule.get ? 'expected' : 'not in the table'}`).toBe(
        Boolean(rule.get),
      )
      expect(typeof module.action === 'function', `${id}: action ${rule.post ? 'expected' : 'not in the table'}`).toBe(
        Boolean(rule.post),
      )
    }
  })

  it('every route answers every role and nobody as the policy table says', { timeout: 300_000 }, async () => {
    const rows: Row[] = []
    const origin = app.url
    for (const [id, rule] of Object.entries(routeTable)) {
      if ('layout' in rule) continue
      const pattern = fullPath(id)
      const index = build.routes[id].index === true
      for (const who of principals) {
        if (rule.get) {
          const { path: p } = await fillParams(pattern)
          const res = await fetch(`${origin}${p}`, { redirect: 'manual', headers: await cookieFor(who) })
          await res.arrayBuffer()
          let got: string = classify(res)
          // a page the role may see is shown, not redirected or refused for another reason
          if (rule.get !== 'public' && got === 'allow' && res.status !== 200) got = `status ${res.status}`
          rows.push({ check: `GET  ${pattern}`, who, expected: expected(rule.get, who), got })
        }
        if (rule.post) {
          const intents = typeof rule.post === 'string' ? { '': rule.post } : rule.post.intents
          for (const [intent, access] of Object.entries(intents)) {
            const { path: p, taskId } = await fillParams(pattern)
            const body = new URLSearchParams()
            if (intent) body.set('intent', intent)
            if (intent.startsWith('task-') && taskId) body.set('taskId', taskId)
            const res = await fetch(`${origin}${p}${index ? '?index' : ''}`, {
              method: 'POST',
              redirect: 'manual',
              headers: {
                ...(await cookieFor(who)),
                origin,
                'content-type': 'application/x-www-form-urlencoded',
              },
              body,
            })
            await res.arrayBuffer()
            rows.push({
              check: `POST ${pattern}${intent ? ` intent=${intent}` : ''}`,
              who,
              expected: expected(access, who),
              got: classify(res),
            })
          }
        }
      }
    }
    for (const route of serverRoutes) {
      for (const who of principals) {
        const res = await fetch(`${origin}${route.path}`, { redirect: 'manual', headers: await cookieFor(who) })
        await res.arrayBuffer()
        rows.push({ check: `GET  ${route.path}`, who, expected: expected(route.get, who), got: classify(res) })
      }
    }

    printMatrix(rows)
    const mismatches = rows.filter((r) => r.got.startsWith('error') || (r.expected !== 'any' && r.expected !== r.got))
    expect(mismatches.map((r) => `${r.check} as ${r.who}: expected ${r.expected}, got ${r.got}`)).toEqual([])
    // the walk really met each kind of answer
    expect(new Set(rows.map((r) => r.got))).toEqual(new Set(['allow', 'forbidden', 'sign-in']))
  })

  it('every socket event answers every role and nobody as the policy table says', async () => {
    expect(Object.keys(socketEventPolicy).sort()).toEqual(Object.keys(socketTable).sort())
    for (const [event, permission] of Object.entries(socketTable)) {
      expect(socketEventPolicy[event as keyof typeof socketEventPolicy], `${event} in server/realtime/socket-events.ts`).toBe(
        permission,
      )
    }
    const rows: Row[] = []
    const room = `territory:${territoryId}`
    for (const who of principals) {
      const headers = { ...(await cookieFor(who)), origin: app.url }
      const socket: Socket = io(app.url, {
        path: '/socket.io',
        transports: ['websocket'],
        extraHeaders: headers,
        reconnection: false,
        forceNew: true,
        timeout: 10_000,
      })
      try {
        const connected = await new Promise<true | string>((resolve) => {
          socket.once('connect', () => resolve(true))
          socket.once('connect_error', (error) => resolve(error.message))
        })
        if (connected !== true) {
          for (const [event, permission] of Object.entries(socketTable)) {
            rows.push({
              check: `socket ${event}`,
              who,
              expected: expected(permission, who),
              got: connected === 'unauthenticated' ? 'sign-in' : `refused: ${connected}`,
            })
          }
          continue
        }
        for (const [event, permission] of Object.entries(socketTable)) {
          const answer = (await socket.timeout(10_000).emitWithAck(event, { rooms: [room] })) as { ok: boolean; error?: string }
          rows.push({
            check: `socket ${event}`,
            who,
            expected: expected(permission, who),
            got: answer.ok ? 'allow' : answer.error === 'forbidden' ? 'forbidden' : answer.error === 'unauthenticated' ? 'sign-in' : `refused: ${answer.error}`,
          })
        }
        // an event outside the table is refused for everybody
        const unknown = (await socket.timeout(10_000).emitWithAck('delete-everything', {})) as { ok: boolean; error?: string }
        rows.push({ check: 'socket delete-everything', who, expected: 'forbidden', got: unknown.ok ? 'allow' : 'forbidden' })
        expect(unknown.error).toBe('unknown-event')
        // joining a room also needs its kind's permission (domain/realtime/rooms.ts roomPolicy)
        for (const [kind, permission] of Object.entries(roomPolicy)) {
          const answer = (await socket.timeout(10_000).emitWithAck('subscribe', { rooms: [`${kind}:${randomUUID()}`] })) as { ok: boolean; error?: string }
          const allowed = expected(socketTable.subscribe, who) === 'allow' && expected(permission, who) === 'allow'
          rows.push({
            check: `socket join ${kind}`,
            who,
            expected: allowed ? 'allow' : 'forbidden',
            got: answer.ok ? 'allow' : answer.error === 'forbidden' ? 'forbidden' : `refused: ${answer.error}`,
          })
        }
      } finally {
        socket.disconnect()
      }
    }
    printMatrix(rows)
    const mismatches = rows.filter((r) => r.expected !== 'any' && r.expected !== r.got)
    expect(mismatches.map((r) => `${r.check} as ${r.who}: expected ${r.expected}, got ${r.got}`)).toEqual([])
  })
})

describe('the booted app refuses cross-origin state changes before any route', () => {
  it('POST with a foreign Origin, or with neither Origin nor Sec-Fetch-Site, is a 403', async () => {
    const admin = await cookieFor('ADMINISTRATOR')
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const foreign = await fetch(`${app.url}/language`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...admin, ...form, origin: 'https://evil.example' },
      body: 'language=en',
    })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    const anonymous = await fetch(`${app.url}/?index`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...admin, ...form },
      body: 'title=x',
    })
    expect(anonymous.status).toBe(403)
    const sameOrigin = await fetch(`${app.url}/language`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...admin, ...form, 'sec-fetch-site': 'same-origin' },
      body: 'language=en',
    })
    expect(sameOrigin.status).toBe(302)
    expect(sameOrigin.headers.get('set-cookie')).toMatch(/^lng=/)
  })

  it('a socket.io handshake from a foreign Origin is refused even with a valid session', async () => {
    const socket = io(app.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { ...(await cookieFor('ADMINISTRATOR')), origin: 'https://evil.example' },
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
    })
    try {
      const outcome = await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'))
        socket.once('connect_error', () => resolve('refused'))
      })
      expect(outcome).toBe('refused')
    } finally {
      socket.disconnect()
    }
  })

  it('pages carry the security headers; /healthz reports the database', async () => {
    const page = await fetch(`${app.url}/login`)
    await page.arrayBuffer()
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(page.headers.get('strict-transport-security')).toBeNull() // plain http, no PUBLIC_URL
    expect(page.headers.get('x-powered-by')).toBeNull()
    const health = await fetch(`${app.url}/healthz`)
    expect(health.status).toBe(200)
    const report = (await health.json()) as { status: string; checks: Record<string, { ok: boolean; required: boolean }> }
    expect(report.status).toBe('ok')
    expect(report.checks.database).toMatchObject({ ok: true, required: true })
  })
})

function printMatrix(rows: Row[]) {
  const short: Record<string, string> = { allow: 'ok', forbidden: '403', 'sign-in': 'login' }
  const checks = [...new Set(rows.map((r) => r.check))]
  const width = Math.max(...checks.map((c) => c.length))
  const head = principals.map((p) => p.slice(0, 10).padEnd(10)).join(' ')
  const lines = checks.map((check) => {
    const cells = principals.map((who) => {
      const row = rows.find((r) => r.check === check && r.who === who)
      const got = row ? (short[row.got] ?? row.got) : '-'
      const bad = row && (row.got.startsWith('error') || (row.expected !== 'any' && row.expected !== row.got))
      return `${got}${bad ? ' ✗' : ''}`.padEnd(10)
    })
    return `${check.padEnd(width)}  ${cells.join(' ')}`
  })
  console.log(`${''.padEnd(width)}  ${head}\n${lines.join('\n')}`)
}
