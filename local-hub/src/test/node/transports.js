'use strict';
// The Node device SDK's transports by the names the tests pass, each loaded only when asked for.
const transports = {
  Mqtt: () => require('azure-iot-device-mqtt').Mqtt,
  MqttWs: () => require('azure-iot-device-mqtt').MqttWs,
  Amqp: () => require('azure-iot-device-amqp').Amqp,
  AmqpWs: () => require('azure-iot-device-amqp').AmqpWs,
  Http: () => require('azure-iot-device-http').Http,
};

module.exports.transport = function transport(name) {
  if (!transports[name]) {
    throw new Error('unknown transport ' + name + ' (one of ' + Object.keys(transports).join(', ') + ')');
  }
  return transports[name]();
};
