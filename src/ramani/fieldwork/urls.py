from django.urls import path

from ramani.fieldwork import views

urlpatterns = [
    path("fieldwork/", views.estimates_page, name="fieldwork-estimates"),
    path("fieldwork/frame/", views.frame_page, name="fieldwork-frame"),
]
