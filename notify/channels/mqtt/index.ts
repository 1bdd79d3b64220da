// The MQTT channel for sirens, displays and audio paging gateways (decision 016), for wiring:
//
//   connection.ts      MqttConnection.open({ url, protocolVersion: 5 (MQTT_URL) | 4 (embedded), clientId,
//                      username?, password? }) — Sargs's one persistent-session connection; .connected,
//                      .waitConnected(ms), .subscribe(filters, handler), .close()
//   adapter.ts         new MqttDeviceAdapter({ connection, maxPayloadBytes? }) — ChannelAdapter<DeviceMessage>,
//                      channel 'mqtt'
//   device-message.ts  buildDeviceMessage({ alert, territory, group, kind: 'alert' | 'page', language,
//                      pattern? }) → DeviceMessage; parseDeviceAck / parseDeviceStatus for what comes back
//   topics.ts          the topic layout; deviceReportFilters(territory) for Sargs's ack/status subscription
//   server/mqtt/embedded-broker.ts   startEmbeddedBroker({ host, port, lookupDevice, internal }) when
//                      MQTT_URL is unset; server/mqtt/device-secret.ts for device secrets
export { MqttDeviceAdapter, MQTT_DEFAULT_MAX_PAYLOAD, type MqttDeviceAdapterOptions } from './adapter.ts'
export { MqttConnection, topicMatches, type MqttConnectionOptions, type MqttMessageHandler } from './connection.ts'
export {
  buildDeviceMessage,
  deviceAckActions,
  parseDeviceAck,
  parseDeviceStatus,
  serializeDevicePayload,
  type BuildDeviceMessageOptions,
  type DeviceAck,
  type DeviceAckAction,
  type DeviceCommand,
  type DeviceMessage,
  type DevicePayload,
  type DeviceStatus,
} from './device-message.ts'
export { ackTopic, alertTopic, deviceReportFilters, isGroupName, isTopicSegment, pageTopic, pagingGroupSegment, parseTopic, statusTopic, type ParsedTopic } from './topics.ts'
