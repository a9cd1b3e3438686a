{#- The public BD-09 -> GCJ-02 inverse (x_pi = pi * 3000 / 180) for one axis, 'latitude' or
    'longitude'. -#}
{% macro bd09_to_gcj02(lat, lon, axis) -%}
    {%- set x = "(" ~ lon ~ " - 0.0065e0)" -%}
    {%- set y = "(" ~ lat ~ " - 0.006e0)" -%}
    {%- set x_pi = "(pi() * 3000e0 / 180e0)" -%}
    {%- set z = "(sqrt(" ~ x ~ " * " ~ x ~ " + " ~ y ~ " * " ~ y ~ ") - 0.00002e0 * sin(" ~ y ~ " * " ~ x_pi ~ "))" -%}
    {%- set theta = "(atan2(" ~ y ~ ", " ~ x ~ ") - 0.000003e0 * cos(" ~ x ~ " * " ~ x_pi ~ "))" -%}
    {%- if axis == 'latitude' -%}
    {{ z }} * sin({{ theta }})
    {%- elif axis == 'longitude' -%}
    {{ z }} * cos({{ theta }})
    {%- else -%}
    {{ exceptions.raise_compiler_error("bd09_to_gcj02: axis must be 'latitude' or 'longitude', got " ~ axis) }}
    {%- endif -%}
{%- endmacro %}
