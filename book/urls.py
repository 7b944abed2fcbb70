from . import urls_cards, urls_letters

app_name = "book"
urlpatterns = [*urls_cards.urlpatterns, *urls_letters.urlpatterns]
