{#- True when a point lies in China's bounding box (latitude 3.8-53.6, longitude
    73.5-135.1), the sanity check of docs/data_quality.md "coord_out_of_range". False when
    either coordinate is null. -#}
{% macro is_in_china_bounds(lat, lon) -%}
    coalesce(
        {{ lat }} between 3.8 and 53.6 and {{ lon }} between 73.5 and 135.1,
        false
    )
{%- endmacro %}
