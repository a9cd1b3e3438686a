{#- True when a cell counts fewer people than the minimum an aggregate may show. -#}
{% macro is_small_cell(people_count, min_count=none) -%}
    {%- set threshold = min_count if min_count is not none else var('datong_min_cell_count') -%}
    ({{ people_count }} < {{ threshold }})
{%- endmacro %}
