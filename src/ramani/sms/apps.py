from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "ramani.sms"
    label = "sms"
    verbose_name = "SMS"
