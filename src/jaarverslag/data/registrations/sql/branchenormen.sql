-- branchenormen: per industry norm and post (Hengelo, Enschede, and SHT as a whole) the
-- percentage of calls or visits within the norm's limit (referentie/normen.csv, strictly below
-- it, as "< 30 seconden" says), rounded half up to two decimals.
--   telephone norms (norm_bron.bron = 'oproepen'): all incoming calls on the norm's line are the
--     denominator; a call counts when it was answered with wachttijd_s below the limit;
--   visit norms ('visites'): all visits of the norm's urgency; a visit counts when aankomst minus
--     aanvraag is below the limit; the post is the post of the visit's contact.
-- Norms the records cannot give (fiat and handling times), norms whose record file is absent and
-- cells without any call or visit get an empty result with status ontbreekt and the reason.
-- The extra column noemer (calls or visits counted) is kept apart for the small-cell rule.
WITH calls AS (
    SELECT n.norm_id, o.post, count(*) AS noemer,
           count(*) FILTER (WHERE o.beantwoord AND o.wachttijd_s < n.grens_s) AS teller
    FROM oproepen o
    JOIN norm_bron n ON n.bron = 'oproepen' AND n.selectie = o.lijn
    GROUP BY GROUPING SETS ((n.norm_id, o.post), (n.norm_id))
),
visits AS (
    SELECT n.norm_id, c.post, count(*) AS noemer,
           count(*) FILTER (WHERE date_diff('second', v.aanvraag, v.aankomst) < n.grens_s) AS teller
    FROM visites v
    JOIN contacten c ON c.contact_id = v.contact_id
    JOIN norm_bron n ON n.bron = 'visites' AND n.selectie = v.urgentie
    GROUP BY GROUPING SETS ((n.norm_id, c.post), (n.norm_id))
),
results AS (
    SELECT norm_id, coalesce(post, 'SHT') AS post, noemer, teller FROM calls
    UNION ALL
    SELECT norm_id, coalesce(post, 'SHT') AS post, noemer, teller FROM visits
),
grid AS (
    SELECT m.waarde AS norm_id, m.positie AS norm_positie, p.waarde AS post, p.positie AS post_positie
    FROM volgorde m, volgorde p
    WHERE m.lijst = 'branchenorm' AND p.lijst = 'post_hengelo_enschede_sht'
)
SELECT $jaar AS jaar, g.norm_id, g.post,
       CASE WHEN r.noemer > 0 THEN ((20000 * r.teller + r.noemer) // (2 * r.noemer)) / 100 END AS resultaat_pct,
       CASE WHEN r.noemer > 0 THEN 'zeker' ELSE 'ontbreekt' END AS status,
       CASE
           WHEN r.noemer > 0 THEN NULL
           WHEN b.bron IS NULL THEN
               'Niet af te leiden uit de registraties: contacten, oproepen en visites bevatten deze tijden niet.'
           WHEN NOT a.aanwezig THEN 'De registraties van dit jaar bevatten geen ' || b.bron || '.'
           WHEN b.bron = 'oproepen' THEN 'Geen gesprekken op de ' || b.selectie || ' in de registraties.'
           ELSE 'Geen ' || b.selectie || '-visites in de registraties.'
       END AS toelichting,
       r.noemer
FROM grid g
LEFT JOIN results r ON r.norm_id = g.norm_id AND r.post = g.post
LEFT JOIN norm_bron b ON b.norm_id = g.norm_id
LEFT JOIN aanwezig a ON a.bron = b.bron
ORDER BY g.norm_positie, g.post_positie
