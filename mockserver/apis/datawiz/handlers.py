"""Datawiz: the collections are declared in specs/datawiz.yaml and served by the generic views;
this module adds the OAuth2 token endpoint and the relocate documents' line-price rule."""

from mockserver.apis import ApiModule
from mockserver.apis.datawiz import model
from mockserver.apis.datawiz.oauth import obtain_token

API = ApiModule(
    name="datawiz",
    spec_file="datawiz.yaml",
    handlers={"obtainToken": obtain_token},
    hooks={"line_price": model.with_line_prices},
)
