"""Curated patterns for the safety check, grouped by the categories they stand for.

Every pattern runs on ``normalise``d text (lower case, straight quotes, common chat spellings
expanded: "abt" -> "about", "u" -> "you"). Two tiers per flag:

- ``STRONG[flag][category]``: a first-person statement precise enough to flag on its own
  ("he put his hands round my neck", "saving my pills instead of taking them").
- ``BROAD[flag]``: risk vocabulary ("scared", "tired of it all") that only counts when the
  embedding check agrees, and that asks "are you safe?" (the check-in tier) when it does not.

Hits are dropped when negated in the same clause ("he has never hit me"), when the sentence is
about a film, a book, a friend or the article's comments, and (abuse only) when set in a
finished past. Idioms are masked first ("this waiting is killing me", "I could kill him lol").
The categories are the ones the safety issue names; each has several phrasings, written from
the category, not from test sentences.
"""

from __future__ import annotations

import re

from bot.safety.flags import Flag


def rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts))


NT = r"(?:n'?t|not)"  # "don't", "dont", "do not"
PARTNER = r"(?:he|him|his|my (?:bf|boyfriend|husband|partner|ex|fiance|man|guy)|bf|husband|partner|ex)"
DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|the weekend|this weekend|the \d+(?:st|nd|rd|th)?|the end of (?:the|this) (?:week|month|year)|(?:his|my|our) (?:birthday|anniversary)|christmas|valentine'?s)"

# Chat spellings and common typos rewritten before matching (whole words only).
SPELLINGS = {
    "abt": "about", "u": "you", "ur": "your", "r": "are", "im": "i'm", "ive": "i've", "id": "i'd", "ill": "i'll",
    "dont": "don't", "cant": "can't", "wont": "won't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't",
    "wasnt": "wasn't", "wouldnt": "wouldn't", "couldnt": "couldn't", "hes": "he's", "shes": "she's", "thats": "that's",
    "whats": "what's", "theres": "there's", "wanna": "want to", "gonna": "going to", "tryna": "trying to",
    "myslef": "myself", "mysef": "myself", "mself": "myself", "tonite": "tonight", "2nite": "tonight",
    "tmrw": "tomorrow", "tmr": "tomorrow", "bc": "because", "cuz": "because", "cos": "because", "coz": "because",
    "pls": "please", "plz": "please", "thru": "through", "w": "with", "b4": "before", "ppl": "people",
    "sucide": "suicide", "suiside": "suicide", "suicde": "suicide", "sucidal": "suicidal", "suicdal": "suicidal",
    "suisidal": "suicidal", "suicidle": "suicidal", "kil": "kill", "killl": "kill", "choaked": "choked",
    "strangeled": "strangled", "stangled": "strangled", "thretened": "threatened", "threatend": "threatened",
}
_SPELLING = re.compile(r"\b(" + "|".join(map(re.escape, sorted(SPELLINGS, key=len, reverse=True))) + r")\b")


_HELL = re.compile(r"\bhell (?=(?:send|post|share|show|leak|kill|hurt|shoot|stab|take|find|leave|tell|make|ruin|come|never|just|do|break|burn|drown)\b)")
_HED = re.compile(r"\bhed\b")


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("´", "'")
    text = " ".join(text.lower().split())
    text = _HED.sub("he'd", _HELL.sub("he'll ", text))
    return _SPELLING.sub(lambda m: SPELLINGS[m.group(1)], text)


# Figures of speech that sound violent or deadly, masked before anything else looks at the text.
IDIOMS = rx(
    r"\b(?:is|are|was|it'?s|that'?s|this|waiting|silence|suspense|wait|feet|head|back|anxiety|article)\b[^.?!]{0,30}\bkilling me\b",
    r"\bkilling me (?:softly|lol|haha)\b|\b(?:slowly )?killing me(?= haha| lol|\W*$)",
    r"\bdying (?:to|for|of)\b|\b(?:i'?m|im) (?:dead|deceased|dying)(?: at| lol| haha|\W*$)",
    r"\b(?:could|would|will|nearly|almost|just|actually|literally) (?:just |actually |literally )?die (?:of|from|laughing|of cringe)\b",
    r"\bdied (?:laughing|of embarrassment)\b|\bdie of (?:cringe|embarrassment|shame)\b",
    r"\b(?:i'?d|i would|could|i could) (?:literally )?kill (?:for|him|them|her)\b",
    r"\b(?:i'?ll|i will|i'?m going to|going to) (?:literally )?(?:kill|murder|strangle|slap|throttle) (?:him|her|them)\b",
    # "my sister will kill me if I ...", but not "at my sister's but he said he'd kill me if I left": a partner between
    r"\b(?:friends?|mum|mom|sister|brother|they|she|boss|everyone)\b(?:(?!\b(?:he|he'?d|he'?ll|him|husband|boyfriend|bf|partner|ex)\b)[^.?!]){0,25}\b(?:murder|kill) me (?:if|when) i\b",
    r"\bkill(?:ed|s)? it\b|\bdead tired\b|\bto die for\b|\bit (?:hit|hits) me\b|\bhit it off\b|\b(?:blew|blow|blown|blowing) it\b",
    # a feeling or a thing that hits, not a person: "the cravings hit me at the bus stop", "the grief hits me at night"
    r"\b(?:cravings?|urges?|waves?|panic|grief|sadness|loneliness|anxiety|tiredness|exhaustion|fatigue|nausea|memor(?:y|ies)"
    r"|realit(?:y|ies)|reali[sz]ation|thought|smell|guilt|doubt|nerves|it all)\s+(?:\w+\s+)?(?:hit|hits|hitting)\s+me\b",
    # asking the article's leave to reach out to him, not being kept from people: "am I allowed to text him?"
    r"\b(?:am i|is it) (?:allowed|ok(?:ay)?) (?:for me )?to (?:tell|text|ask|call|message|contact|show) him\b",
    # ... or to speak up in a talk the article sets: "am i allowed to explain my side when she says something i do bugs
    # her?" (the classifier alone read the leave asked as control, 0.96, dev r57 q07)
    r"\bam i (?:allowed|ok(?:ay)?) to (?:explain|defend|answer|respond|mention|bring up|disagree|push back|complain|argue)\b",
    # an argument not dropped, not a person held: "my husband won't let it go" (0.93; "won't let me go" is not masked)
    r"\b(?:won'?t|will not|can'?t|cannot|wouldn'?t|never) let (?:it|this|that) go\b",
    r"\bdriv(?:e|es|ing) me (?:crazy|mad|insane|nuts|up the wall)\b",
    r"\bshoot (?:myself|me) in the foot\b|\bbite (?:my|the) (?:head|bullet)\b",
    r"\bdisappear (?:for a (?:while|bit|few days|week|weekend|day)|like (?:he|they|men) do(?:es)?)\b",
    r"\bfollow(?:s|ed|ing)? me on (?:insta\w*|twitter|tiktok|facebook|social)\b",
    r"\b(?:dead|deathly) (?:silent|silence|quiet)\b|\bdead end\b|\bghost(?:ed|ing|s)?\b",
    # his absence, asked about: "how long will he be gone?", "is she gone for good?" (the post's own subject, a partner
    # pulling away; the classifier alone read "be gone" as death, 0.94)
    r"^\W*(?:(?:how long|when|so|and|but)\b[^.?!]{0,25}\b)?(?:(?:will|is|has|was) (?:he|she)(?: be| been)?"
    r"|(?:he|she)(?:'s| is| will be|'ll be| has been| be)) (?:gone|away)(?: forever| for good)?\b"
    r"(?= (?:for|forever|this|usually|when|before|after|again|so)\b|\s*\?|\s*$)",
    r"\bover my dead body\b|\bscared to death\b|\bbored to death\b",
    r"\b(?:at|reached|reaching|near) the end of my (?:rope|tether)\b|\bdead on (?:my|our) feet\b",
    # not alone in a story, asked for: "did it go badly for anyone in the comments? i need to know i'm not the only one" (the
    # classifier alone read 0.79 self-harm, r53 q16); the rest of the message is still read ("am i the only one who ...")
    r"\b(?:need|want|have) to (?:know|hear|see) (?:that )?(?:i'?m|im|i am) not the only one\b(?! (?:he|she|they)\b)"
    r"|\bam i the only one (?=who|that|whose|here|in)",
    # a sharp word, not a blow: "snapping at my kids, hating myself for it"
    r"\bsnap(?:s|ped|ping)? at\b",
    # a thing no longer wanted, not a life: "half the time you dont even want the thing anymore" (the classifier alone read
    # it as "don't want to be here anymore", 0.84); not "this life", "this pain", "these thoughts", "to ...", "it"
    r"\b(?:don'?t|do not|no longer)\s+(?:even\s+|really\s+)?want\s+(?:the|that|this|those|these|a|an|it)\s+"
    r"(?!(?:life|lives|world|pain|body|existence|thoughts?|feelings?|hurt|anymore|any more)\b)(?:[a-z]+\s+){0,1}?(?:thing|things|stuff|item|purchase|one|[a-z]+)\s+any\s?more\b",
    # fear of heartbreak, not of a person: "scared of getting hurt again" (not "... hurt by him")
    r"\b(?:scared|afraid|terrified|frightened) (?:of|to) (?:get(?:ting)?|be(?:ing)?) (?:hurt|rejected|dumped|left|ghosted|abandoned|played)"
    r"(?: again| like that)?\b(?!\s+(?:by|from|when he|if he)\b)",
    r"\b(?:scared|afraid|terrified|frightened) of (?:rejection|commitment|heartbreak|being (?:single|alone)|ending up alone|losing (?:him|her|them))\b",
    # fear about a thing, not of a person: "my husband just got prescribed something and im scared about the side effects"
    # (r52 q12 got "are you safe?"); not "scared about what he'll do", "scared about going home"
    r"\b(?:scared|afraid|terrified|frightened|nervous) about (?:the|a|an|this|that|these|those|my|our|his|her)\s+"
    r"(?!(?:husband|boyfriend|bf|partner|ex|wife|girlfriend|gf|dad|father|stepdad|mum|mom|brother|son|family)\b)[a-z]+",
    # a parent's worry about a child's own life, not fear of a person at home: "scared about who my daughter is
    # talking to online" (a threat to the child still counts: "scared of what he'll do to my son" is not masked)
    r"\b(?:scared|afraid|terrified|frightened|worried) (?:about|of) (?:who|what) (?:my|our) (?:daughter|son|kids?|child(?:ren)?|teen\w*)\b"
    r"(?! (?:will|would|might) (?:do|say) to)",
    # feelings hurt by what happened, not a person hurting them: "act like it didnt hurt me", "that really hurt me"
    r"\b(?:it|that|this|which|the silence|the waiting)\s+(?:(?:didn'?t|did not|doesn'?t|does not|really|still|kind of|kinda|so|just|honestly|actually|even)\s+){0,2}hurts?\s+me\b"
    r"(?!\s+(?:physically|so (?:bad|much) i (?:bled|bruised)))",
)

STRONG: dict[Flag, dict[str, re.Pattern]] = {
    Flag.SELF_HARM: {
        "explicit": rx(
            r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving|off|end|ending)\s+(?:my ?self)\b",
            r"\bsuicid\w*|\bsewer ?slide\b|\bs[u*]ic[i1*]d[e3*]\b|\bunaliv\w*|\bkms\b|\bctb\b|\bcatch(?:ing)? the bus\b",
            r"\b(?:end|ending|take|taking)\s+my(?: own)? life\b|\bend (?:it all|everything|things)\b",
            rf"\b(?:do{NT}|no longer|never|don'?t even)\s+want\s+to\s+(?:be here|live|be alive|exist|wake up|go on|be around)\b",
            r"\b(?:want(?:ed|ing)?|wanna) (?:to )?die\b|\bwish (?:i was|i were|i'?d be|i could be) (?:dead|gone|never born)\b|\bready to die\b",
            r"\bbetter off (?:without me|if i (?:was|were)n'?t (?:here|around|alive))\b",
            rf"\b(?:no|do{NT} see (?:a|any)|not any|lost (?:the|my)) (?:reason|point) (?:to|in|for) (?:live|living|keep going|go on|going on|being alive|stay alive|be here|me)\b",
            r"\bwhat'?s (?:even )?the point (?:of|in) (?:me|living|life|going on|being alive|being here|existing|my life)\b",
            r"\b(?:forever|permanent|eternal|big) (?:nap|sleep)\b|\b(?:6|six) ?(?:ft|feet|foot) under\b",
            r"\bdisappear (?:forever|for good|permanently)\b|\bnever wake up\b|\b(?:not|don'?t) wake up\b",
            r"\boverdos\w*\b|\bod(?:ing|'?d)? on\b",
            r"\b(?:my (?:brain|head|mind|thoughts)|the voices?|intrusive thoughts?)\b[^.?!]{0,30}\b(?:kys|kill (?:yourself|myself)|die|end it|telling me to)\b",
        ),
        "method": rx(
            r"\bhow many\b[^.?!]{0,40}\b(?:pills?|tablets?|mg|capsules|sleeping|painkillers|paracetamol|tylenol|ibuprofen|would it take)\b",
            r"\b(?:lethal|fatal|deadly|toxic|overdose) (?:dose|amount|level)\b|\bwhat (?:amount|dose) of \w+ (?:would|is|could) (?:be )?(?:fatal|lethal|kill)\b",
            r"\bwould it (?:be )?(?:quick|painless|hurt)\b|\b(?:is|does|would) (?:drowning|hanging|bleeding out|jumping|an overdose|it) (?:hurt|painless|quick)\b",
            r"\bpainless(?:ly)? (?:way|method|to die|death)\b|\bquickest way to (?:die|go)\b",
            r"\bwhich (?:way|direction) (?:to|you'?re (?:meant|supposed) to|do you) cut\b|\bhow (?:deep|hard) (?:to|do you|should i) cut\b",
            r"\bhow (?:high|tall|far down) (?:is|are|does)\b[^.?!]{0,30}\b(?:bridge|building|roof|cliff|balcony|drop|car park|parking)\b",
            r"\b(?:tallest|highest) (?:building|bridge|roof|car park)\b[^.?!]{0,60}\b(?:roof|get on|get up|without)\b",
            r"\b(?:running|car|engine|exhaust)\b[^.?!]{0,30}\bgarage\b[^.?!]{0,40}\b(?:painless|shut|closed|sleep|thinking)\b",
            r"\bwhere (?:can|to|do) (?:i|you) (?:buy|get) (?:a gun|rope|a rope|pills|a lot of pills)\b",
            r"\b(?:staring|stare|look(?:ing)?) (?:at|down at|into) the (?:water|drop|tracks|edge)\b|\bstep off the (?:edge|platform|bridge)\b",
            r"\bjump(?:ing)? (?:off|from|in front of) (?:a|the|that)\b",
        ),
        "preparation": rx(
            r"\b(?:wrote|written|writing|write|left|leaving) (?:some |a few |my )?(?:goodbye |farewell |last )?(?:letters?|notes?) (?:to|for)\b[^.?!]{0,40}\b(?:mum|mom|dad|family|sister|brother|kids|children|everyone|parents|friends|him|them|find)\b",
            r"\b(?:goodbye|suicide|farewell) (?:letters?|notes?|messages?|videos?)\b|\bsaying (?:my )?goodbyes?\b|\bsaid (?:my )?goodbyes?\b",
            r"\b(?:gave|giving|give|given) (?:away )?my (?:cat|dog|pets?|puppy|kitten|things|stuff|belongings|jewell?ery|clothes|plants|books)\b",
            r"\bwho gets my (?:things|stuff|cat|dog|jewell?ery)\b|\b(?:made|making|wrote|updated|sorted) (?:a|my) will\b",
            # the cross-post dev split: "ive sorted who gets the dog", "sorted the life insurance and told my sister where the passwords are"
            r"\b(?:sorted|decided|worked out|arranged)(?: out)? who (?:gets|will have|takes) (?:the|my)\b|\bwhere (?:the|my) passwords are\b",
            r"\b(?:sorted|checked|arranged|set up)(?: out)? (?:the|my) life insurance\b|\bbetter off with (?:the )?(?:insurance|life insurance|payout)\b",
            r"\bwenn ich nicht mehr (?:da|hier) bin\b|\bquand je ne serai plus l[àa]\b|\bcuando ya no (?:est[ée]|estar[ée]) (?:aqu[ií])?\b",
            r"\b(?:wrote|written|writing|left) (?:all )?my passwords\b|\bso (?:they|he|she|nobody|no one) (?:doesn'?t|don'?t|won'?t) have (?:a mess|to sort|to deal)\b",
            r"\bwon'?t be needing (?:them|it|any of it)\b|\bwon'?t need (?:them|it) (?:anymore|where i'?m going)\b",
            r"\bthank you for everything\b[^.?!]{0,40}\b(?:thought i was|wasn'?t|goodbye)\b|\blast one is (?:him|her)\b",
            r"\b(?:getting|got|put) my affairs in order\b|\btying up loose ends\b",
        ),
        "finality": rx(
            r"\b(?:this|tonight|today) (?:is|will be) my last\b|\bmy last (?:night|day|week|weekend|time)\b",
            rf"\b(?:by|after|on|before|once|till|until) {DAYS}\b[^.?!]{{0,60}}\b(?:i'?m done|i am done|it'?ll (?:all )?be over|that'?s it for me|i'?m out|i'?ll be gone|i won'?t be here|ending it)\b",
            r"\bthat'?s it for me\b|\bi'?m out\b[^.?!]{0,20}\bpermanently\b|\bpermanently,? i (?:don'?t|do not) mean\b",
            r"\b(?:picked|chosen|set) a (?:date|day|time)\b",
            r"\bit'?ll (?:all )?be over\b|\bwon'?t have to (?:pull away from|deal with|worry about|put up with) (?:me|anyone)\b",
            r"\b(?:won'?t|will not|not going to|wont) be (?:around|here) (?:much longer|for long|anymore|by)\b|\bnot (?:be )?around (?:much longer|for much longer)\b",
            r"\b(?:tired|sick) of (?:living|existing|being alive|life|breathing|being here)\b|\bdone (?:with )?(?:living|existing|life)\b",
            r"\bi don'?t have until\b|\bnot doing another (?:year|day|week)\b|\b(?:giving|give) it (?:till|until)\b[^.?!]{0,40}\b(?:out|done|over)\b",
            r"\bnobody has to watch\b|\bhope i'?m not (?:around|here|alive) to see\b",
            r"\bsave (?:him|them|everyone|you|her) the (?:bother|trouble|effort|job)\b",
        ),
        "stockpiling": rx(
            r"\b(?:saving|saved|keeping|kept|stashing|hoarding|collecting|stockpil\w*)\b[^.?!]{0,30}\b(?:pills|meds|medication|tablets|prescriptions?|sertraline|trazodone|lorazepam|paracetamol|tylenol|painkillers|sleeping)\b",
            r"\b(?:pills|meds|tablets|painkillers)\b[^.?!]{0,30}\b(?:saved up|stockpiled|stashed|hidden|ready|instead of taking)\b",
            r"\ba (?:stash|stockpile|collection) (?:of (?:pills|meds|tablets))?\b|\bi have a stash\b",
            r"\b(?:extra|spare|the extras)\b[^.?!]{0,30}\b(?:prescription|pills|meds|refill|glovebox|drawer|hide)\b|\bhide the extras\b|\brefill early\b",
            r"\b(?:paracetamol|tylenol|pills|painkillers|tablets|aspirin|ibuprofen)\b[^.?!]{0,30}\b(?:from|at) (?:\d+|several|a few|multiple|different)(?: different)? (?:shops|stores|pharmacies|chemists|places)\b",
            r"\blost my prescription so i get (?:extra|more)\b|\bone at a time so (?:she|he|they|nobody) (?:doesn'?t|won'?t) notice\b",
            r"\b(?:keeping|kept) back (?:his |my |her )?(?:sleeping )?(?:tablets|pills)\b",
        ),
        # the calibrated-care issue: other languages (es, pt, fr, hi-latn, ar-latn), written from the category
        "other_language": rx(
            r"\b(?:no|ya no) quiero (?:seguir )?viv\w*|\bquiero morir\w*|\bquitarme la vida\b|\bsuicid\w*|\bmatarme\b|\bacabar con (?:todo|mi vida)\b|\bno despertar\b|\btirarme (?:del|de un|por)\b",
            r"\bquero morrer\b|\bn[aã]o quero (?:mais )?viver\b|\bme matar\b|\bacabar com (?:tudo|a minha vida)\b|\bsumir (?:pra|para) sempre\b|\bn[aã]o acordar mais\b|\bhoje acaba\b",
            r"\bje veux mourir\b|\bje (?:ne )?veux plus vivre\b|\ben finir\b|\bme suicider\b|\bme tuer\b|\bsauter du\b|\bj'?ai envie de sauter\b",
            r"\bmar jaana\b|\bmarna chaht\w*\b|\bjeena nahi\b|\bkhud ko (?:maar|khatam)\b|\bsab khatam kar\b|\bkood jaung\w*\b|\bzindagi khatam\b|\bgoliyan\b[^.?!]{0,30}\b(?:ikatth\w*|le lung\w*|kha lung\w*)\b",
            r"\bbid+i amoot\b|\bbade mout\b|\b(?:3ayz|3ayza|bidi|bade) (?:amoot|amut|mout|mot)\b|\banta7ar\b|\bmesh (?:3ayz|3ayza) a3ee?sh\b|\bbafakar anot\b|\b7obob\b",
        ),
        "implied": rx(
            r"\b(?:on|at|up on|standing on|sitting on) (?:the |my |a )?(?:balcony|bridge|roof|rooftop|ledge|railing|edge|platform|tracks)\b[^.?!]{0,60}\b(?:floor|drop|down|jump|step|water|how high|edge|easy|thinking|tonight|now)\b",
            r"\bhow (?:many|high) (?:floors|storeys|stories|metres|meters|feet)\b[^.?!]{0,30}\b(?:enough|to die|would it)\b|\bone step forward\b|\bwalk into the (?:sea|river|water|traffic)\b",
            r"\b(?:found|finding) a (?:new )?home for my (?:dog|cat|pets?)\b|\b(?:deleted|deleting) (?:all )?(?:my|her|his|their) (?:accounts|socials|instagram|facebook)\b[^.?!]{0,80}\b(?:gave|giving|letters?|notes?|goodbye|dog|cat|home)\b",
            # someone else's goodbyes: "posted 'thank you all for everything' and gave me her favourite necklace"
            r"\bposted\b[^.?!]{0,10}\bthank you (?:all )?for everything\b|\bgave (?:me|away) (?:her|his|their) (?:favou?rite|most precious|prized)\b",
            r"\b(?:na|no) (?:laje|telhado|beiral|parapeito|terra[çc]o)\b[^.?!]{0,40}\b(?:andar(?:es)?|agora|pular)\b",
            r"\bpills? (?:lined up|laid out|counted)\b|\b(?:lined|laid) up (?:all )?(?:my |the )?pills\b|\bsticky notes on (?:all )?my (?:stuff|things)\b|\bwho gets what\b",
        ),
        "relapse": rx(
            r"\b(?:started|began|back to|went back to|i'?m back to|keep|kept)\s+(?:cutting|burning|scratching|hurting myself|harming myself|self[- ]harm\w*|picking)\b",
            r"\bi (?:cut|burned|burnt|scratched|hurt|harmed|hit)\b(?:(?!\b(?:him|he)\b)[^.?!]){0,40}\bagain\b",
            r"\b\d+ (?:days|weeks|months|years) clean\b|\bclean for \d+\b|\bbroke my streak\b|\brelaps\w*\b|\bself[- ]harm\w*\b",
            r"\b(?:the|my) old habits?\b|\b(?:razor|blades?|lighter)\b[^.?!]{0,40}\b(?:again|bought|wrist|arm|skin|thigh|one)\b",
            r"\bmy (?:arms?|legs?|thighs?|wrists?) (?:are|is) (?:a mess|covered|cut)\b|\blong sleeves\b",
            r"\b(?:until|till) it bleeds\b|\bgave in (?:to the urge|tonight|again)\b|\bhad the urge\b",
            r"\b(?:burned|burnt|cut) my (?:wrist|arm|leg|thigh|skin)\b|\bhit my head against\b|\bbanging my head\b",
        ),
        "passive": rx(
            r"\bwouldn'?t mind if (?:a|the|some)\b[^.?!]{0,30}\b(?:hit|killed|crashed)\b|\bwouldn'?t mind (?:dying|not waking|if i died)\b",
            r"\b(?:hope|wish|pray)\b[^.?!]{0,10}\bi (?:just )?(?:don'?t|do not|never|wouldn'?t) wake up\b",
            r"\b(?:if i (?:got ill and )?died|if i was gone|if i disappeared)\b[^.?!]{0,40}\b(?:no one|nobody|no-one|wouldn'?t)\b",
            r"\b(?:if|when) i(?:'?m| was| were) gone\b|\bnobody would (?:even )?(?:notice|care|miss me)\b|\bno one would (?:even )?(?:notice|care|miss me|be (?:that )?sad)\b",
            r"\bhow easy it would be to (?:just )?(?:not|crash|swerve|step|let go|drive|turn the wheel)\b",
            r"\b(?:thinking|thought|think|thinks) about (?:just )?(?:not (?:braking|stopping|steering|turning the wheel)|(?:driving|swerving|steering) (?:into|off))\b",
            r"\bonce i'?m (?:not|gone|not here|not around)\b(?! (?:at|in|with|on|so|as|that|too|sure|allowed|able|there|home|working|smoking)\b)"
            r"|\bif i (?:just )?(?:wasn'?t|weren'?t|was not|were not) (?:here|around|alive)(?! (?:to|for|when)\b)",
            r"\bpoint (?:of|in) me (?:existing|being here|being alive)\b|\bstop existing\b|\bnot exist(?:ing)?\b",
            r"\bdon'?t care (?:what happens to me|if i (?:live|die|wake up))\b",
        ),
        "plan": rx(
            r"\bi (?:have|made|got|'?ve got|'?ve made) a plan\b|\bi know (?:how|exactly how) i'?d do it\b",
            r"\b(?:thought|thinking|think) (?:\w+ )?(?:a lot |lots |so much )?about how i'?d do it\b",
            r"\bi know (?:which|what|where)\b[^.?!]{0,20}\b(?:bridge|building|pills|gun|rope|roof|tracks)\b",
            r"\b(?:bought|got|ordered) (?:a |some )?rope\b|\beverything i need is (?:in|at|ready)\b",
            r"\bwhere (?:my |his )?(?:dad|father|husband|he|brother) (?:kept|keeps) (?:his|the|a) (?:gun|rifle|pistol|pills)\b",
            r"\bworked out when (?:the house|everyone|nobody)\b|\bwhen the house will be empty\b",
            r"\b(?:maybe|probably) tonight\b[^.?!]{0,10}$",
        ),
    },
    Flag.ABUSE: {
        "other_language": rx(
            r"\bme (?:peg(?:a|an|aba|o|ó)|golpe\w*|empuj\w*|amenaz\w*|obliga)\b|\bmatarme si\b|\bme va a matar\b|\bme encierra\b",
            r"\b(?:me )?(?:bateu|empurrou|amea[cç]ou|estuprou)\b|\bme bate\b|\bme obriga\b|\bme mata se\b",
            r"\bil me (?:frappe|bat|tape|menace|force)\b|\bil m'?a (?:frapp[ée]e?|battue?|menac[ée]e?|pouss[ée]e?|forc[ée]e?)\b|\bil me tue\b|\bme tue si\b",
            r"\b(?:mujhe|mujhko) (?:maarta|maarte|peet\w*|dhamki)\b|\bhaath uthata\b|\bmaar (?:dega|dalega|daalega)\b",
            r"\bdarab+ni\b|\bbyedrab+ni\b|\bbiyedrabni\b|\bhay(?:2|q)telni\b|\bbyhadedni\b|\bhadedni\b",
        ),
        "excused_injury": rx(
            r"\b(?:walked|walk|ran) into (?:a|the) (?:door|wall|cupboard)\b[^.?!]{0,40}\b(?:again|lol|third|3rd|\d+(?:st|nd|rd|th) time)\b",
            r"\btold (?:a&e|the (?:doctor|nurse|hospital)|work|everyone|my (?:mum|mom|boss))\b[^.?!]{0,20}\bi (?:fell|tripped|walked into)\b",
            r"\b(?:black eye|bruises?|marks|split lip)\b[^.?!]{0,60}\b(?:makeup|long sleeves|cover|covers|hide|didn'?t mean|door frame|he was|he'?s been|since)\b",
            r"\b(?:he|she) twisted my (?:wrist|arm)\b|\bmy (?:wrist|arm|ribs?) (?:is|are) (?:sprained|broken|bruised)\b[^.?!]{0,40}\b(?:he|she)\b",
        ),
        "order_ignored": rx(
            r"\b(?:restraining|protection|protective|no[- ]contact) order\b[^.?!]{0,80}\b(?:but|still|again|outside|parked|keeps?|showed|turn(?:s|ed)? up|doesn'?t|ignor\w*|respect)\b",
            r"\bbroke (?:his|her) (?:bail|parole|order)\b|\bbail conditions\b",
        ),
        "threat_message": rx(
            r"\bif i can'?t have you\b|\bi know where (?:you|your \w+) (?:live|lives|work|works|go)\b|\bknows? where (?:my|our) \w+ (?:lives?|goes|works?)\b",
            r"\benjoy your last\b|\byou'?ll (?:regret|be sorry)\b[^.?!]{0,30}\b(?:leave|leaving|ignore|ignoring|pulling away)\b|\bthink about that before\b",
            r"\bshow up at (?:her|his) (?:work|house|place|flat)\b[^.?!]{0,30}\bmake (?:her|him) (?:listen|pay|regret)\b|\bmake (?:her|him) pay\b",
            r"\b(?:won'?t|doesn'?t) stop when i say no\b|\bgoes? further than i (?:agreed|wanted|said)\b|\b(?:already|he'?d) started\b[^.?!]{0,40}\b(?:asleep|wake|woke|don'?t like)\b|\bwhether i want to or not\b",
            r"\btell everyone\b[^.?!]{0,40}\bif i (?:stop|don'?t|leave)\b|\bif i really loved (?:him|her) i (?:wouldn'?t|would) (?:say no|do it)\b",
        ),
        "third_party": rx(
            r"\b(?:her|his|my (?:friend|sister|daughter|son|mum|mom|brother|coworker|colleague)'?s?) (?:boyfriend|husband|partner|bf|ex|girlfriend|wife)\b[^.?!]{0,40}\b(?:hits|beats|hurts|hit|chokes|threaten\w*|won'?t let her|locks|locked)\b",
            r"\b(?:she|he) (?:comes|came) (?:in|to work|over) with bruises\b|\bkeeps coming in with bruises\b",
        ),
        "violence": rx(
            # not the writer's own urge or act ("I want to throw my phone into the ocean", "I slapped my forehead")
            r"(?<!\bi )(?<!want to )(?<!like to )(?<!need to )(?<!wanna )"
            r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|slap\w*|kick\w*|shov\w*|smack\w*|bites|bitten|slammed|dragged|threw|throws?)\b[^.?!]{0,25}?\b(?:me|my)\b(?! away| head against| head on)",
            r"\b(?:push(?:es|ed)?|grabb?\w*)\b[^.?!]{0,15}\bme\b(?! away)(?!\s+(?:to|into) (?:a|the|his) (?:hug|kiss))",
            r"\b(?:pinned|held|holds|pushed) me (?:down|against|to)\b|\bheld me down\b|\bthrew (?:a|my|the|his) \w+ at\b",
            r"\b(?:bruises?|marks?|black eye|split lip)\b[^.?!]{0,30}\b(?:he|from him|my (?:arm|neck|face))\b",
            r"\b(?:he'?s|he is|he was|is being|been) (?:so |really |very |getting )?(?:abusive|violent)\b|\babus(?:es|ed|ing) me\b",
            r"\b(?:punched|smashed|kicked) (?:a hole in )?(?:the )?(?:wall|door)\b[^.?!]{0,30}\b(?:next to|by|beside|near) my\b",
            r"\b(?:put|punched|smashed|drove) (?:his|her) fist through (?:the|a) (?:wall|door|window)\b",
            r"\b(?:held|holds|grabbed|squeezed|twisted) my (?:wrist|arm|hand)\b[^.?!]{0,30}\b(?:till|until|so hard|purple|bruised?|marks?)\b",
        ),
        "strangulation": rx(
            r"\b(?:chok\w*|strangl\w*|throttl\w*)\b[^.?!]{0,30}\b(?:me|my)\b",
            r"\b(?:hands?|arms?|fingers)\b[^.?!]{0,15}\b(?:a?round|on|over) my (?:neck|throat)\b",
            r"\b(?:by|around|round) (?:my|the) (?:neck|throat)\b|\bsqueez\w* my (?:neck|throat)\b",
            r"\b(?:couldn'?t|could not|can'?t) breathe\b[^.?!]{0,40}\b(?:he|his)\b|\b(?:he|his)\b[^.?!]{0,40}\b(?:couldn'?t|could not) breathe\b",
            r"\bblacked out\b[^.?!]{0,40}\b(?:he|his)\b|\b(?:he|his)\b[^.?!]{0,60}\bblacked out\b",
            r"\bmarks on my neck\b|\bhurts? to swallow\b|\bvoice is (?:still )?hoarse\b|\bsaw (?:spots|stars)\b",
        ),
        "threat": rx(
            r"\bthreat\w*\b[^.?!]{0,40}\b(?:hurt|kill|beat|post|share|send|take|ruin|tell|leave|drown|shoot|stab|burn)\b",
            # someone's threat, not the writer's own "I'm going to kill my new monstera"
            r"\b(?:he'?ll|he will|he would|he'?d|(?<!i'm )(?<!im )(?<!i am )(?<!i'm gonna )going to|he says he'?ll|he said he'?d)"
            r"\s+(?:kill|hurt|beat|shoot|stab|strangle|end)\s+(?:me|us|my)\b|\bkill me if\b",
            r"\b(?:you'?ll|you will|you'?re going to) regret (?:it|this|leaving)\b|\bno one will (?:ever )?find you\b",
            r"\baccidents happen\b|\bnothing (?:left )?to lose\b|\bscared to go home\b|\b(?:afraid|scared|terrified) to (?:go home|leave|tell him)\b",
            r"\b(?:scared|afraid|terrified|frightened) of (?:him|what he)\b|\bfear for my (?:life|safety)\b",
            r"\b(?:scared|afraid|terrified|frightened) of (?:mine|my (?:husband|boyfriend|bf|partner|ex|wife|girlfriend|gf|dad|father|stepdad))\b",
            r"\b(?:gun|guns|knife|knives|rifle|shotgun|pistol|bullets?|machete|axe|blade|weapon)\b[^.?!]{0,60}\b(?:argue|argument|fight|looks? at|cleaned|cleaning|pillow|leave|shoot|told me|threat|nightstand|bedside|waved|pointed|picked up|said|scared|go on)\b",
            r"\b(?:picked up|grabbed|pulled|waved|pointed|held) (?:a|the|his) (?:kitchen )?(?:knife|gun|bat|hammer)\b",
        ),
        "isolation": rx(
            r"\b(?:won'?t|doesn'?t|will not|does not|never) (?:let|like|want) me (?:to )?(?:see|visit|go out|talk to|call|meet|spend time with|have)\b[^.?!]{0,30}\b(?:friends?|family|sister|brother|mum|mom|dad|parents|anyone)\b",
            r"\bnot allowed to (?:see|visit|go|talk|call|meet|have|leave|work)\b",
            r"\b(?:made|makes|forced|forces) me (?:to )?(?:delete|block|unfriend|stop seeing|stop talking to|cut off)\b",
            r"\bcut me off from\b|\bisolat\w+ me\b|\bmoved us\b[^.?!]{0,30}\baway from (?:my|our) (?:family|friends)\b",
            r"\b(?:starts?|picks?|started) (?:a )?fights? (?:every time|whenever|when|if) i (?:make plans|go out|see|want to see|meet)\b",
            r"\b(?:told|tells|telling) (?:all )?my (?:friends|family)\b[^.?!]{0,20}\bi'?m (?:unstable|crazy|mental|lying)\b",
            r"\bhe checks that i (?:did|have|deleted)\b|\bnow it'?s just (?:him|me and him)\b",
            r"\b(?:every time|whenever|when(?:ever)?|if) i (?:make plans|go out|see|meet|want to see|try to see|visit)\b[^.?!]{0,50}\b(?:he|him)\b[^.?!]{0,30}\b(?:fight|argument|sulks?|kicks? off|gets? angry|freaks? out|punish\w*|silent treatment)\b",
        ),
        "sexual": rx(
            r"\b(?:said|told him|i said) no\b[^.?!]{0,30}\b(?:he )?(?:didn'?t|did not|wouldn'?t|won'?t|kept going|doesn'?t) (?:stop|listen|care)\b",
            r"\b(?:does|did|do) (?:stuff|things) to me while i'?m (?:asleep|sleeping|passed out|drunk|unconscious)\b|\bwhile i (?:was|am) (?:asleep|sleeping|passed out)\b",
            r"\btakes? it anyway\b|\bwouldn'?t take no\b|\bwon'?t take no\b|\bwithout (?:my )?consent\b|\bmy job as his\b",
            r"\b(?:pressur\w+|forc\w+|coerc\w+|makes?|made|guilt\w*)\s+me\s+(?:into\s+|to\s+)?(?:have\s+|do\s+)?(?:sex|sexual|sleep with|things|stuff|it)\b",
            r"\bforced himself on me\b|\brap(?:e|ed|ing)\b|\bgets me (?:really )?drunk (?:on purpose|so)\b|\bwon'?t fight him off\b",
            r"\bheld me down\b|\beven after i (?:pushed|said|told)\b",
        ),
        "image_threat": rx(
            r"\b(?:private|intimate|nude|naked|sexy|explicit) (?:photos?|pictures?|pics|images|videos?|selfies)\b|\bnudes\b|\brevenge porn\b",
            r"\b(?:send|share|post|leak|show|put|upload|spread)\w*\b[^.?!]{0,30}\b(?:the |my )?(?:pics|pictures|photos|videos?|tape|footage)\b[^.?!]{0,40}\b(?:if i|unless|when i|the day i|online|to my|everyone|facebook|work|family|dad|mum|boss|group chat)\b",
            r"\b(?:videos?|photos?|pics|pictures)\b[^.?!]{0,30}\b(?:go online|go on facebook|on the internet|to my (?:work|boss|dad|family))\b",
            r"\bfilmed (?:us|me)\b[^.?!]{0,20}\bwithout\b|\b(?:still )?has (?:it|them|the video|the pics) saved\b",
        ),
        "reproductive": rx(
            r"\b(?:holes? in|poked|pokes|sabotag\w*|tamper\w*) (?:the |his )?condoms?\b|\btakes? the condom off\b|\bstealth\w*\b",
            r"\b(?:flushed|hid|hides|hiding|threw out|throws? away|took|takes) my (?:pills?|pill packs?|birth control|contraception|contraceptive)\b",
            r"\b(?:won'?t|doesn'?t) let me (?:get|use|take|have|go on) (?:my )?(?:implant|birth control|the pill|contraception|coil|iud)\b",
            r"\b(?:make|makes|made|force|forcing|forced|pressur\w*)\s+me\s+(?:to\s+)?(?:get an abortion|get rid of it|have (?:a|his) baby|get pregnant)\b",
            r"\bget rid of it or\b|\btrap me\b[^.?!]{0,20}\b(?:baby|pregnant)\b|\bif i get pregnant i'?ll never\b",
            r"\bhiding my birth control\b|\btracks my period\b",
        ),
        "financial": rx(
            r"\btakes? my (?:whole |entire )?(?:pay|paycheck|paycheque|wages|salary|money|benefits|card|cards)\b",
            r"\b(?:not allowed|won'?t let me have|doesn'?t let me have) (?:my own )?(?:bank|money|card|account|cash)\b",
            r"\b(?:opened|took out|takes out|put) (?:credit )?(?:cards|loans|debt|credit)\b[^.?!]{0,10}\bin my name\b",
            r"\b(?:made|makes) me (?:quit|give up|leave) my job\b|\bhave to ask (?:him )?(?:for|permission)\b[^.?!]{0,20}\b(?:cash|money)\b",
            r"\b(?:gives me|on) an allowance\b|\bgoes through every receipt\b|\bshow him (?:the )?receipts\b",
            r"\bcontrols? (?:every (?:cent|penny)|all (?:the|of the|my|our) (?:money|finances))\b|\bcontrols? (?:the|my|our) (?:money|finances|spending|accounts?)\b",
        ),
        "monitoring": rx(
            r"\btrack(?:s|ing|ed)? (?:my|me)\b|\b(?:tracking|spy|spyware|stalkerware) app\b|\bairtag\b|\blife360\b|\btracker\b",
            rf"\b{PARTNER}\b[^.?!]{{0,20}}\b(?:checks?|goes through|reads?|monitors?|went through|logs? into|logged into|hacked)\s+(?:all\s+)?my (?:phone|messages|texts|emails?|dms|whatsapp|browser|location|accounts?|icloud|instagram|facebook)\b",
            r"\b(?:share|sharing) my location\b|\bchanged (?:the|my) passwords?\b|\b(?:camera|recorder|listening device)\b[^.?!]{0,40}\b(?:never put|hidden|found|his|he put)\b|\bfound a (?:little |tiny |hidden )?(?:camera|tracker|bug)\b",
            r"\b(?:rings?|calls?|texts?) (?:me )?\d+ times\b",
            r"\b(?:has|demands|made me give|knows) (?:all )?my (?:passwords?|passcode|pin)\b",
            r"\b(?:always )?(?:needs|wants|has) to know where i am\b|\bknows (?:exactly )?where i (?:am|go|was)\b",
            r"\btracks? (?:the|my) (?:car|phone|location)\b|\b(?:don'?t|won'?t|can'?t) get my (?:phone|keys|card|passport) back\b",
        ),
        "children_pets": rx(
            r"\b(?:hurt|kill|drown|snap|harm|strangle|beat|poison|get rid of|kick|kicked|hit|threw|throw|smack)\w*\b[^.?!]{0,40}\b(?:the|my|our|her|his) (?:kids?|children|son|daughter|baby|cat|dog|puppy|kitten|pets?)\b",
            r"\bnext time (?:it'?ll|it will|you'?ll) be worse\b",
            r"\b(?:he'?ll|he will|threat\w* to|going to|he'?d|he would) take (?:the|my|our) (?:kids|children|baby)\b|\btake (?:the|my|our) (?:kids|children|baby) (?:away|from me)\b",
            r"\b(?:the|my|our) (?:kids?|children|son|daughter|baby|cat|dog|puppy|kitten|pets?)\b[^.?!]{0,20}\b(?:bruises?|hiding|scared of him)\b",
            r"\bnever see (?:the|my) (?:kids|children) again\b|\bmake sure they hate me\b",
            r"\b(?:he'?ll|he will|he'?d|he would|she'?ll|she will|says he'?ll|said he'?d)\b[^.?!]{0,50}\bkeep (?:the|my|our) (?:kids|children|baby)\b",
            r"\bgrabbed my (?:son|daughter|kid|child)\b|\bscreams at the kids\b",
        ),
        # punishment by deprivation, found on the cross-post v2 split (after it was looked at): "if im over 1200 i have to
        # sleep in the car", "doesnt let me eat dinner", "he'll take it out on me instead", "my dad gets rough"
        "deprivation": rx(
            r"\b(?:makes?|made|forces?|forced) me (?:to )?sleep (?:in the (?:car|garage|shed|yard|garden|hallway|bath)|on the (?:floor|porch|doorstep))\b",
            r"\b(?:have|had) to sleep (?:in the (?:car|garage|shed)|on the floor)\b[^.?!]{0,30}\b(?:if|unless|when)\b|\b(?:if|unless|when) i\b[^.?!]{0,40}\b(?:have|had) to sleep (?:in the (?:car|garage|shed)|on the floor)\b",
            r"\b(?:doesn'?t|won'?t|didn'?t|does not|will not) let me (?:eat|sleep|shower|wash|use the (?:bathroom|toilet))\b|\b(?:lock|locks|padlock) on the (?:fridge|cupboards?|food)\b",
            r"\b(?:says|said) i (?:don'?t|do not) deserve (?:dinner|food|to eat|to sleep)\b",
            r"\btake it out on me\b|\b(?:gets|got|getting) rough (?:with me|when he'?s been drinking|when (?:he|she)'?s drunk)\b|\blucky that'?s all (?:he|she) (?:does|did)\b",
        ),
        "stalking": rx(
            r"\b(?:show(?:s|ed)?|turn(?:s|ed)?|came|comes|wait(?:s|ed|ing)?|keeps? (?:turning|showing))\s+(?:up\s+)?(?:at|outside|to)\s+my\s+(?:door|house|home|work|job|place|apartment|flat|office|car|gym|uni|school)\b",
            r"\b(?:parked|waiting|sitting|standing) outside my (?:flat|house|place|work|home|apartment|office)\b",
            r"\b(?:keeps?|kept|started|is|been) follow\w* me\b|\bstalk\w* me\b|\bfrom (?:new|different|fake|private) (?:numbers?|accounts?)\b",
            r"\bnew (?:accounts?|numbers?) (?:every|each) (?:day|week)\b|\bmakes? a new account\b|\bprivate numbers\b|\bcalls? (?:me )?\d+ times\b",
            r"\bblocked\b[^.?!]{0,80}\b(?:showed up|turned up|came|keeps?|still|anyway|new account|new number)\b",
            r"\b(?:shows|turns) up at the\b[^.?!]{0,20}\b(?:times i|when i)\b|\bwhat i was wearing\b|\basking where i live\b",
        ),
    },
    Flag.INJECTION: {
        "override": rx(
            r"\b(?:ignore|disregard|forget|override|bypass|drop|ditch|abandon|delete)\b[^.?!]{0,40}\b(?:instructions?|rules?|prompts?|guidelines|programming|restrictions|polic(?:y|ies)|filters?|safety (?:rules|filters|guidelines|settings)|everything (?:you were|above|before)|(?:all |your |the |any )?(?:previous|prior|above|earlier) (?:instructions|rules|prompts?|messages|context|directions)|system)\b",
            r"\bsystem\s*(?:prompt|message)\b|^\s*system\s*:|\bsystem:\s|</?\s*(?:passages?|system|context|instructions?)\s*>",
            r"\byou are now\b|\bfrom now on,? (?:you|answer|respond|act|reply)\b|\bdeveloper mode\b|\bjailbreak\w*\b|\bdan mode\b",
            r"\b(?:reveal|print|show|repeat|output|display|translate|give me|tell me|share|leak)\b[^.?!]{0,30}\b(?:your|the|initial|hidden|system|secret|full)\s+(?:\w+\s+)?(?:prompts?|instructions|guidelines|configuration|config)\b",
            r"\b(?:secret|hidden|internal|initial|original|developer)\s+(?:prompt|instructions?|configuration|config|rules|settings)\b",
            r"\b(?:repeat|output|print)\b[^.?!]{0,20}\b(?:text|everything|words) above\b|\bwhat (?:were|are) you told\b|\bword for word\b",
            r"\b(?:with|has|have|had) (?:no|zero) (?:rules|restrictions|guidelines|filters|limits|policies)\b|\bwithout (?:any )?(?:rules|restrictions|guidelines|filters|limits)\b|\bfilters? (?:disabled|off|removed)\b|\bunrestricted\b|\bunfiltered\b|\bnot bound by\b",
            r"\bnew (?:system )?(?:instructions?|rules|system message|top priority)\b|\b(?:obey|execute)\b[^.?!]{0,30}\b(?:it|this|instructions?|them|what it says)\b|\bjust run it\b|\bdo what it says\b",
            r"\b(?:decode|decrypt|translate|reverse|read (?:this|it) backwards|rot13|base64|hex)\b[^.?!]{0,40}\b(?:then|and)\b[^.?!]{0,20}\b(?:do|follow|obey|execute|run|act on|comply)\b",
        ),
        "roleplay": rx(
            r"\b(?:pretend|imagine|suppose)\b (?:that )?you(?:'?re| are| were| can)\b",
            r"\b(?:roleplay|role-play|role play)\b|\bplay (?:the role|the part|a character|a game where you)\b",
            r"\bact as (?:a|an|my|the|if you)\b|\bspeak as (?:my|a|an|the)\b|\banswer as (?:my|a|an|the|if)\b",
            r"\b(?:stay|remain|keep) (?:in character|as \w+ no matter)\b|\bin character\b|\bbreak character\b",
            r"\b(?:be|become|play) my (?:ex|boyfriend|bf|husband|therapist|grandma|grandmother|girlfriend|partner|mum|mom|dad|late)\b",
            r"\blet'?s play a game\b|\bwrite a (?:scene|story) where (?:an|the) (?:ai|assistant|bot|chatbot|helper)\b",
            r"\byou'?re (?:dan|\w+ unfiltered|no longer (?:a|an|the))\b|\bconfirm (?:you understand|by replying)\b|\breply '[^']+' to confirm\b",
        ),
        "from_comment": rx(
            r"\b(?:comment|post|article|note|line|author|commenter|admin)\b[^.?!]{0,80}\b(?:ai|assistants?|chatbots?|bots?|language models?|llms?)\b[^.?!]{0,60}\b(?:must|should|reading|summari\w+|authori[sz]ed|are to|need to|has to|is to)\b",
            r"\b(?:do|follow|obey|comply with) what (?:his|her|the|their|\w+'?s) (?:comment|note|post|article) says\b|\bdo what \w+ said\b",
            r"\b(?:hidden|secret|admin) (?:line|note|message|instruction)\b|\binstructions? for (?:chatbots|bots|ais?|assistants)\b",
            r"\bauthori[sz]ed to share\b|\bit'?s the author'?s wish\b|\bleft a note\b[^.?!]{0,40}\b(?:chatbot|bot|ai|assistant)\b",
        ),
    },
}

BROAD: dict[Flag, re.Pattern] = {
    Flag.SELF_HARM: rx(
        r"\bhopeless\b|\bworthless\b|\bcan'?t go on\b|\bgive up on (?:life|everything|myself)\b|\bway out\b|\bonly exit\b|\bexit\b",
        r"\bpills?\b|\bnot worth it\b|\bno point\b|\bcan'?t do this anymore\b|\bcan'?t keep going\b|\bkeep going like this\b",
        r"\b(?:i'?m|i am|i'?ll be|i will be|i want to be|i wanna be|i wish i was|i wish i were|i'?d be better)\s+(?:gone|dead|not here|off)\b"
        r"|\bi (?:want to|wanna|will|could|should|just want to) (?:disappear|die|be gone|not be here)\b|\b(?:i'?m|i am|i feel like) (?:a|such a|just a) burden\b",
        r"\bdon'?t care what happens\b|\b(?:don'?t|do not|can'?t|cannot) see (?:the|any) point (?:in|of) (?:going on|living|carrying on|being here|anything|life)\b",
        r"\bkys\b|\bbridge\b|\brope\b|\bpermanently\b|\bgoodbye\b|\btonight\b|\bwrist\b|\bblades?\b|\brazor\b|\bcutting\b",
    ),
    Flag.ABUSE: rx(
        r"\bcontrol\w*\b|\bviolen\w*\b|\babus\w*\b|\bscared\b|\bafraid\b|\bterrified\b|\bunsafe\b|\bthreat\w*\b|\bstalk\w*\b",
        r"(?<!\bit )(?<!\bthat )(?<!\bthis )\bhurts? me\b|\bscary\b|\bintimidat\w*\b|\bforce\w*\b|\bweapon\b|\bgun\b|\bknife\b|\bneck\b|\bthroat\b",
        r"\b(?:he|him|his)\b[^.?!]{0,15}\bcheck\w* (?:up on )?(?:my|where i|who i)\b|\bwhere i am\b|\bwho i'?m with\b|\bthrew\b|\bsmash\w*\b|\bpunched\b",
        r"\bnot allowed\b|\bwon'?t let me\b|\bmy pictures\b|\bmy photos\b|\bpregnant\b|\bcondoms?\b|\bsex\w*\b",
    ),
    Flag.INJECTION: rx(r"\binstructions?\b|\bprompts?\b|\bignore\b|\brules\b|\bcharacter\b|\bpersona\b|\bdecode\b"),
}

# Possible, not clear, signals: they only ever ask "are you safe right now?" (the check-in tier).
WEAK: dict[Flag, re.Pattern] = {
    Flag.SELF_HARM: rx(
        r"\b(?:so |really )?(?:tired|exhausted|sick) of (?:it all|everything|all of it|this|trying)\b|\bwhatever happens tonight\b",
        # (not a generic "you": "does she say anything for when you just can't handle it?" asks about the article)
        r"(?<!\byou )(?<!\byou just )(?<!\byou really )(?<!\byou simply )\b(?:can'?t|cannot) (?:take|handle|cope with|do) (?:this|it|any ?more)\b"
        r"|\bdon'?t know how much longer\b",
        r"\bwant (?:it|this|everything) to stop\b|\bno way out\b|\bwant to sleep forever\b",
    ),
    Flag.ABUSE: rx(
        r"\b(?:gets?|got|is|was) (?:kind of |kinda |really |so |a bit )?(?:scary|frightening|intimidating)\b|\bwalking on eggshells\b",
        r"\b(?:he|him)\b[^.?!]{0,20}\b(?:always )?(?:needs?|wants?) to know where i am\b|\bthrew (?:my|a|the) \w+ (?:at|across)\b",
        r"\bpunched (?:a|the) (?:wall|door)\b|\bsmashed (?:my|the|a) \w+\b",
    ),
}

DISTRESS = rx(
    r"\b(?:can'?t|cannot) stop crying\b|\bcrying (?:all|every) (?:night|day)\b",
    r"\bheart ?broken\b|\bpanic attacks?\b|\bfalling apart\b|\bdevastated\b|\bunbearable\b",
    r"\b(?:can'?t|cannot|haven'?t|barely|hardly) (?:sleep|slept|eat|eaten|breathe|focus|function)\b",
    r"\b(?:so|completely|totally|utterly) (?:lost|alone|lonely|broken|hopeless|empty|miserable)\b",
    r"\ba (?:wreck|mess)\b|\banxiety\b|\bhopeless\b|\bdepress\w+\b|\boverwhelm\w*\b|\bhurts? so (?:much|bad)\b",
)
# a word of harm that names an everyday subject in a post's title ("Puppy Biting", "Stop Fighting With Your Teen",
# "Beat Burnout"): never the subject of a post about violence or suicide itself ("hit", "hurt", "abuse", "kill", "die")
EVERYDAY_HARM = re.compile(r"^(?:bit(?:e|es|ing|ten)?|chomp\w*|nip\w*|chew\w*|scratch\w*|bark\w*|fight\w*|argu\w*|burn\w*"
                           r"|crash\w*|break\w*|broke\w*|cutt?\w*|starv\w*|screa\w*|tantrum\w*|meltdown\w*)$")
DISTRESS_BROAD = rx(r"\bcry\w*\b|\bsad\b|\blonely\b|\balone\b|\blost\b|\bhurt\w*\b|\bpain\w*\b|\bbroken\b|\banxious\b|\bempty\b")

NEGATION = re.compile(
    r"\b(?:not|never|no|nor|without|(?:do|does|did|is|was|are|were|wo|ca|could|would|should|has|have|had)n'?t|cannot)\b"
)
NOT_NEGATING = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|won'?t|don'?t|not) (?:stop|help|know|see why|be sure|sure|tell|even)\b|\bno one\b|\bnot (?:only|just)\b"
    r"|\bno (?:point|reason|way|longer)\b|\bdon'?t (?:have|see)\b|\bnot (?:going to|gonna) (?:lie)\b|\bwon'?t (?:have to|be)\b"
)
CLAUSE = re.compile(r"[,;:]|\bbut\b|\band\b(?= (?:i|he)\b)|\bthen\b")
# Someone else's story: a film, a book, a song, a friend, a commenter.
STORY = re.compile(
    r"\bin (?:the|a|that|this) (?:movie|film|book|novel|show|series|song|story|comments?|doc|documentary|thriller|podcast|lyrics?)\b"
    r"|\b(?:movie|film|novel|tv show|character|documentary|true crime|thriller|lyrics?|song|episode|heroine|hero)\b"
    r"|\bthe (?:commenter|\w+ comment|last comment|first comment)\b|\b(?:comment|post) (?:by|from)\b|\b\w+'s comment\b|\bin the comments\b"
    r"|\b(?:my|a) friend (?:was|is|says|said|joked|joking|told)\b|\bmy (?:friend|sister|cousin|colleague|mum|mom)'?s? (?:bf|boyfriend|husband|partner)\b"
    # a reader of the post described, not named: "did sarah ever say ...? the one who was scared to date again"
    r"|\bthe (?:one|girl|guy|woman|lady|man|person|reader|poster) (?:who|whose|that) (?:was|is|got|had|said|wrote|posted|asked)\b"
    # "there was a mom with a 3 year old boy who was scared to even start, did she ever report back?"
    r"|\bthere (?:was|is)(?: this| a| an| that| one)? (?:mom|mum|dad|girl|guy|woman|lady|man|person|reader|commenter|poster"
    r"|mother|father|parent|wife|husband)\b"
)
# A question about what the text covers ("does the article ever talk about abuse?").
ABOUT_TEXT = re.compile(
    r"\b(?:does|did|do|if|whether) (?:the article|it|the author|the writer|the blogger|anyone|anybody|any commenters?|any readers?|the comments?|a commenter)"
    r" (?:ever |actually |even )?(?:mentions?|says?|talks?|deals?|covers?|discuss\w*|addresses?|touch\w*)\b"
    r"|\bdoes the (?:article|blog|post) (?:cover|mention|say anything about)\b"
    # a question about someone in the comments: "which commenter blocked the guy and wouldn't open the door?"
    r"|\b(?:which|what) (?:commenter|reader|comment|one of the commenters)\b|\bwho in the comments\b"
)
META = re.compile(STORY.pattern + "|" + ABOUT_TEXT.pattern)
FIRST_PERSON = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|i'?ll|me|my|myself|mine)\b")
PAST = re.compile(
    r"\b(?:years ago|long ago|used to|when i was|back then|as a teenager|my last relationship|long over|in the past"
    r"|previous relationship|(?<!\bif )(?<!\bif ever )i (?:left|got out|got away|escaped)|i finally (?:have|got|left|escaped|got out)|got out in|that was \d+|(?:19|20)\d\d|in prison|grew up|growing up|safe now|over now|moved (?:states|away|countries))\b"
)
ONGOING = re.compile(r"\b(?:still|again|keeps?|kept on|currently|right now|tonight|today|these days|anymore|now he|last night|yesterday)\b")

ON_TOPIC = re.compile(
    r"\b(?:he|him|his|she|her|boyfriend|girlfriend|bf|gf|husband|wife|partner|spouse|ex|man|men|guy|guys|woman|women"
    r"|relationship\w*|dating|date|dates|love\w*|text\w*|call\w*|space|withdr\w*|pull\w*|distant|commit\w*|marri\w*"
    r"|divorce|breakup|break up|single|feel\w*|hurt\w*|miss\w*|articles?|comments?|comment\w+|commenters?|readers?|author|blog|post"
    r"|hormones?|attach\w*|attract\w*|masculin\w*|feminin\w*|freedom|needy|jealous\w*|trust"
    r"|argument|fight|silence|silent|ghost\w*|disappear\w*|vanish\w*|ignor\w*|rude|crush|sex\w*|lonely|alone|cry\w*|sad|heart\w*"
    r"|wait\w*|reach out|contact|players?|narcissis\w*|steps?|advice|advise\w*|quote\w*|agree\w*|disagree\w*|repl\w*|said|say|says|wrote)\b"
)
PERSONAL = re.compile(
    r"\b(?:should i|do i|can i|shall i|how (?:do|can|should) i|what (?:do|should|can) i|my (?:boyfriend|husband|partner|bf|wife|girlfriend|ex|man|guy)|i feel|i'?m|i am|me)\b"
)
