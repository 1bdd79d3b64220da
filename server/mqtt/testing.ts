// Shared by the MQTT channel's tests (adapter.test.ts, server/mqtt/embedded-broker.test.ts): a CAP
// alert to send, and the two brokers the tests run against — the embedded aedes broker (always)
// and the Mosquitto at TEST_MQTT_URL (when set; CI and the dev machines run one on 127.0.0.1:1883).
import { randomBytes } from 'node:crypto'
import type { CapAlert } from '#notify/cap/types.ts'
import { hashDeviceSecret } from './device-secret.ts'
import { startEmbeddedBroker, type DeviceCredential, type EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker.ts'

/** A CAP date-time `expiresInMs` from now, in UTC with the +00:00 offset CAP wants. */
export function capTime(offsetMs: number): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, '+00:00')
}

export function testAlert(overrides: Partial<CapAlert> & { expires?: string } = {}): CapAlert {
  const { expires = capTime(2 * 3600_000), ...rest } = overrides
  return {
    identifier: `urn:oid:2.49.0.1.428.0.2026.${randomBytes(4).toString('hex')}`,
    sender: 'sargs@jelgava.lv',
    sent: '2026-12-04T10:00:00+02:00',
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    code: [],
    references: [],
    info: [
      {
        language: 'lv-LV', event: 'Plūdi', headline: 'Plūdu brīdinājums: Lielupe', instruction: 'Dodieties uz augstāku vietu.',
        category: ['Met'], responseType: ['Evacuate'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed',
        eventCode: [], parameter: [], resource: [], area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }], expires,
      },
      {
        language: 'en-GB', event: 'Flood', headline: 'Flood warning: Lielupe', instruction: 'Move to higher ground.',
        category: ['Met'], responseType: ['Evacuate'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed',
        eventCode: [], parameter: [], resource: [], area: [{ areaDesc: 'Jelgava', polygon: [], circle: [], geocode: [] }], expires,
      },
    ],
    ...rest,
  }
}

/** A Cancel of `original` (CAP: references = sender,identifier,sent). */
export function cancelOf(original: CapAlert): CapAlert {
  return testAlert({
    msgType: 'Cancel',
    sent: '2026-12-04T11:00:00+02:00',
    references: [{ sender: original.sender, identifier: original.identifier, sent: original.sent }],
  })
}

/** One broker the tests run against, with what Sargs and the devices need to connect. */
export type TestBroker = {
  name: string
  /** where Sargs connects, and with which protocol */
  url: string
  sargsProtocol: 4 | 5
  sargsCredentials: { username?: string; password?: string }
  /** the protocol devices use */
  deviceProtocol: 4 | 5
  territory: string
  /** registers a device (embedded broker: a credential; Mosquitto: anonymous) → its password */
  addDevice(deviceId: string, groups: string[]): string | undefined
  embedded?: EmbeddedBroker
  /** stops the embedded broker and starts it again on the same port with its sessions */
  restart?: { stop(): Promise<void>; start(): Promise<void> }
  close(): Promise<void>
}

export async function startEmbeddedTestBroker(extra: Partial<EmbeddedBrokerOptions> = {}): Promise<TestBroker> {
  const devices = new Map<string, DeviceCredential>()
  const internalPassword = randomBytes(32).toString('base64url')
  const territory = 'jelgava'
  const options: EmbeddedBrokerOptions = {
    port: 0,
    lookupDevice: async (username) => devices.get(username) ?? null,
    internal: { username: 'sargs', secretHash: hashDeviceSecret(internalPassword) },
    ...extra,
  }
  let broker = await startEmbeddedBroker(options)
  const port = broker.port
  const test: TestBroker = {
    name: 'embedded aedes (MQTT 3.1.1)',
    url: broker.url,
    sargsProtocol: 4,
    sargsCredentials: { username: 'sargs', password: internalPassword },
    deviceProtocol: 4,
    territory,
    addDevice(deviceId, groups) {
      const password = randomBytes(32).toString('base64url')
      devices.set(deviceId, { deviceId, territory, groups, secretHash: hashDeviceSecret(password) })
      return password
    },
    embedded: broker,
    restart: {
      async stop() {
        await broker.close()
      },
      async start() {
        broker = await startEmbeddedBroker({ ...options, port, sessions: broker.sessions })
        test.embedded = broker
      },
    },
    async close() {
      await broker.close()
    },
  }
  return test
}

export function mosquittoTestBroker(url: string): TestBroker {
  return {
    name: `Mosquitto at ${url} (MQTT 5)`,
    url,
    sargsProtocol: 5,
    sargsCredentials: {},
    deviceProtocol: 5,
    // a territory of its own per run: retained messages and sessions of earlier runs stay apart
    territory: `t${randomBytes(5).toString('hex')}`,
    addDevice: () => undefined,
    async close() {},
  }
}
