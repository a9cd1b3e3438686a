{#
    Fails on every row that publishes a figure for a cell counting fewer people than the
    minimum: `people_count_column` under `min_count` (default var('datong_min_cell_count'))
    or null, while any of `figure_columns` is not null. Attach it to area-level and
    cross-merchant aggregates whose figures go through `suppress_small_cell`.
#}
{% test min_cell_count(model, people_count_column, figure_columns, min_count=none) %}

{%- set threshold = min_count if min_count is not none else var('datong_min_cell_count') %}

select *
from {{ model }}
where
    coalesce({{ people_count_column }}, 0) < {{ threshold }}
    and (
        {%- for figure in figure_columns %}
        {{ figure }} is not null{{ " or" if not loop.last }}
        {%- endfor %}
    )

{% endtest %}
