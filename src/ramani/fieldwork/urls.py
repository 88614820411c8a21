from django.urls import path

from ramani.fieldwork import views

urlpatterns = [path("fieldwork/frame/", views.frame_page, name="fieldwork-frame")]
