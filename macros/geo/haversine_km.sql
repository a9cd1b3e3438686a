{#
    Great-circle distance in kilometres between two points given in degrees (haversine, mean
    Earth radius 6371.0088 km). Plain trigonometry that DuckDB and Spark both have; the
    argument of asin is capped at 1 so that rounding never makes it undefined.
#}
{% macro haversine_km(latitude_1, longitude_1, latitude_2, longitude_2) -%}
    (2 * 6371.0088 * asin(least(1.0, sqrt(
        power(sin(radians(({{ latitude_2 }}) - ({{ latitude_1 }})) / 2), 2)
        + cos(radians({{ latitude_1 }})) * cos(radians({{ latitude_2 }}))
        * power(sin(radians(({{ longitude_2 }}) - ({{ longitude_1 }})) / 2), 2)
    ))))
{%- endmacro %}
