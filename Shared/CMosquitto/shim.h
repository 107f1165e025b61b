// libmosquitto, as Swift sees it.
#ifndef ALERTING_CMOSQUITTO_SHIM_H
#define ALERTING_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
