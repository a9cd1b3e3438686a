{#- The shift, in degrees, that the public WGS-84 -> GCJ-02 formula adds to a point
    (Krasovsky ellipsoid: a = 6378245, ee = 0.00669342162296594323). axis is 'latitude' or
    'longitude'. Constants are written as exponent literals so that Spark computes in double,
    as DuckDB does, instead of in rounded decimals. -#}
{% macro wgs84_to_gcj02_offset(lat, lon, axis) -%}
    {%- set x = "(" ~ lon ~ " - 105e0)" -%}
    {%- set y = "(" ~ lat ~ " - 35e0)" -%}
    {%- set radlat = "(" ~ lat ~ " / 180e0 * pi())" -%}
    {%- set magic = "(1e0 - 0.00669342162296594323e0 * sin(" ~ radlat ~ ") * sin(" ~ radlat ~ "))" -%}
    {%- if axis == 'latitude' -%}
    (
        -100e0 + 2e0 * {{ x }} + 3e0 * {{ y }} + 0.2e0 * {{ y }} * {{ y }}
        + 0.1e0 * {{ x }} * {{ y }} + 0.2e0 * sqrt(abs({{ x }}))
        + (20e0 * sin(6e0 * {{ x }} * pi()) + 20e0 * sin(2e0 * {{ x }} * pi())) * 2e0 / 3e0
        + (20e0 * sin({{ y }} * pi()) + 40e0 * sin({{ y }} / 3e0 * pi())) * 2e0 / 3e0
        + (160e0 * sin({{ y }} / 12e0 * pi()) + 320e0 * sin({{ y }} * pi() / 30e0)) * 2e0 / 3e0
    ) * 180e0 / (
        (6378245e0 * (1e0 - 0.00669342162296594323e0)) / ({{ magic }} * sqrt({{ magic }})) * pi()
    )
    {%- elif axis == 'longitude' -%}
    (
        300e0 + {{ x }} + 2e0 * {{ y }} + 0.1e0 * {{ x }} * {{ x }}
        + 0.1e0 * {{ x }} * {{ y }} + 0.1e0 * sqrt(abs({{ x }}))
        + (20e0 * sin(6e0 * {{ x }} * pi()) + 20e0 * sin(2e0 * {{ x }} * pi())) * 2e0 / 3e0
        + (20e0 * sin({{ x }} * pi()) + 40e0 * sin({{ x }} / 3e0 * pi())) * 2e0 / 3e0
        + (150e0 * sin({{ x }} / 12e0 * pi()) + 300e0 * sin({{ x }} / 30e0 * pi())) * 2e0 / 3e0
    ) * 180e0 / (6378245e0 / sqrt({{ magic }}) * cos({{ radlat }}) * pi())
    {%- else -%}
    {{ exceptions.raise_compiler_error("wgs84_to_gcj02_offset: axis must be 'latitude' or 'longitude', got " ~ axis) }}
    {%- endif -%}
{%- endmacro %}
