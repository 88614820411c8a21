from django.urls import path

from ramani.sms import views

urlpatterns = [
    path("sms/kannel/<slug:slug>/status", views.kannel_status),
    path("sms/<str:kind>/<slug:slug>/receive", views.receive),
]
