"""The day's weather: a value and its parser, the Open-Meteo forecast with its cache, how warm each piece is."""

from wardrobe.weather.forecast import ForecastResult, forecast_for
from wardrobe.weather.value import BadWeather, Weather, parse_weather

__all__ = ["BadWeather", "ForecastResult", "Weather", "forecast_for", "parse_weather"]
