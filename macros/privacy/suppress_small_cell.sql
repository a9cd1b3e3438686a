{#
    A cell value shown only when the cell counts enough people: below the minimum it becomes
    null, so an area or audience too small to hide an individual prints nothing.
#}
{% macro suppress_small_cell(value, people_count, min_count=none) -%}
    {%- set threshold = min_count if min_count is not none else var('datong_min_cell_count') -%}
    case when {{ people_count }} >= {{ threshold }} then {{ value }} end
{%- endmacro %}
