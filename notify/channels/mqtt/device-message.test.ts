import { describe, expect, it } from 'vitest'
import { cancelOf, testAlert } from '#server/mqtt/testing.ts'
import { buildDeviceMessage, parseDeviceAck, parseDeviceStatus, serializeDevicePayload } from './device-message.ts'
import { ackTopic, alertTopic, deviceReportFilters, isGroupName, pageTopic, parseTopic, statusTopic } from './topics.ts'

describe('topic layout', () => {
  it('builds and reads the four topics', () => {
    expect(alertTopic('jelgava', 'centre')).toBe('sargs/jelgava/centre/alert')
    expect(pageTopic('jelgava', 'schools')).toBe('sargs/jelgava/schools/page')
    expect(ackTopic('jelgava', 'siren-7')).toBe('sargs/jelgava/device/siren-7/ack')
    expect(statusTopic('jelgava', 'siren-7')).toBe('sargs/jelgava/device/siren-7/status')
    expect(deviceReportFilters('jelgava')).toEqual(['sargs/jelgava/device/+/ack', 'sargs/jelgava/device/+/status'])
    expect(parseTopic('sargs/jelgava/centre/alert')).toEqual({ kind: 'alert', territory: 'jelgava', group: 'centre' })
    expect(parseTopic('sargs/jelgava/device/siren-7/ack')).toEqual({ kind: 'ack', territory: 'jelgava', deviceId: 'siren-7' })
  })

  it('never lets a name reach into other topics: no /, +, #, $, empty, or the group "device"', () => {
    for (const bad of ['a/b', '+', '#', '$SYS', '', 'x'.repeat(65)]) {
      expect(() => alertTopic('jelgava', bad)).toThrow()
      expect(() => ackTopic(bad, 'siren')).toThrow()
    }
    expect(isGroupName('device')).toBe(false)
    expect(() => alertTopic('jelgava', 'device')).toThrow()
    for (const topic of ['sargs/jelgava/+/alert', 'sargs/jelgava/#', '$SYS/x', 'other/jelgava/centre/alert', 'sargs/jelgava/device/alert', 'sargs/jelgava/centre/alert/x']) {
      expect(parseTopic(topic)).toBeNull()
    }
  })
})

describe('device messages', () => {
  it('a page carries the group and the text in the group\'s language, is not retained', () => {
    const alert = testAlert()
    const page = buildDeviceMessage({ alert, territory: 'jelgava', group: 'schools', kind: 'page', language: 'en-GB' })
    expect(page).toMatchObject({ topic: 'sargs/jelgava/schools/page', retain: false, clearRetained: false })
    expect(serializeDevicePayload(page.payload)).toBe(
      `{"kind":"page","identifier":"${alert.identifier}","msgType":"Alert","references":[],"command":"alert","pattern":null,` +
        `"group":"schools","severity":"Severe","urgency":"Immediate","headline":"Flood warning: Lielupe",` +
        `"instruction":"Move to higher ground.","text":"Flood warning: Lielupe. Move to higher ground.","language":"en-GB",` +
        `"sent":"2026-12-04T10:00:00+02:00","expires":"${alert.info[1].expires}"}`,
    )
  })

  it('commands: all-clear from responseType AllClear, test from status Test, cancel from a Cancel; falls back to the first language', () => {
    const base = testAlert()
    const allClear = testAlert({ msgType: 'Update', references: [{ sender: base.sender, identifier: base.identifier, sent: base.sent }] })
    allClear.info = allClear.info.map((i) => ({ ...i, responseType: ['AllClear'] }))
    expect(buildDeviceMessage({ alert: allClear, territory: 'j', group: 'g', kind: 'alert', language: 'lv-LV' }).payload).toMatchObject({
      command: 'all-clear', msgType: 'Update', references: [base.identifier],
    })
    expect(buildDeviceMessage({ alert: testAlert({ status: 'Test' }), territory: 'j', group: 'g', kind: 'alert', language: 'lv-LV' }).payload.command).toBe('test')
    const cancel = buildDeviceMessage({ alert: cancelOf(base), territory: 'j', group: 'g', kind: 'alert', language: 'lv-LV' })
    expect(cancel).toMatchObject({ retain: false, clearRetained: true, payload: { command: 'cancel' } })
    expect(buildDeviceMessage({ alert: base, territory: 'j', group: 'g', kind: 'alert', language: 'ru-RU' }).payload.language).toBe('lv-LV')
    expect(() => buildDeviceMessage({ alert: testAlert({ msgType: 'Ack' }), territory: 'j', group: 'g', kind: 'alert', language: 'lv-LV' })).toThrow()
  })

  it('reads acks and status leniently, refuses what is not one', () => {
    expect(parseDeviceAck('{"identifier":"a1","action":"displayed","at":"2026-12-04T10:00:01Z"}')).toEqual({ identifier: 'a1', action: 'displayed', at: '2026-12-04T10:00:01Z' })
    expect(parseDeviceAck('{"identifier":"a1","action":"exploded"}')).toBeNull()
    expect(parseDeviceAck('{"action":"sounded"}')).toBeNull()
    expect(parseDeviceAck('not json')).toBeNull()
    expect(parseDeviceAck('[1]')).toBeNull()
    expect(parseDeviceStatus('{"state":"offline"}')).toEqual({ state: 'offline', at: null })
    expect(parseDeviceStatus('{"state":"asleep"}')).toBeNull()
  })
})
